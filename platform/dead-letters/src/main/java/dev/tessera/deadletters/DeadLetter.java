package dev.tessera.deadletters;

/**
 * A record on a dead-letter topic: where it is, where it came from, what it is and why it is there.
 *
 * @param position the dead-letter topic, partition and offset ({@code topic-partition@offset})
 * @param origin the original topic, partition and offset, from the {@code dead-letter-*} headers
 * @param key the record key (the aggregate id)
 * @param eventId the {@code id} header
 * @param eventType the {@code eventType} header
 * @param reason the {@code dead-letter-reason} header: why the consumer gave up
 * @param replayed whether the replay group's committed offset is past this record
 */
public record DeadLetter(
    String position,
    String origin,
    String key,
    String eventId,
    String eventType,
    String reason,
    boolean replayed) {}
