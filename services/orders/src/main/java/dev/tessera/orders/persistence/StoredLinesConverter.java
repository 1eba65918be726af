package dev.tessera.orders.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** Stores order lines as a JSON array in a text column (they are only ever read as a whole). */
@Converter
public class StoredLinesConverter implements AttributeConverter<List<StoredLine>, String> {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeReference<List<StoredLine>> LINES = new TypeReference<>() {};

  @Override
  public String convertToDatabaseColumn(List<StoredLine> lines) {
    try {
      return lines == null ? null : MAPPER.writeValueAsString(lines);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot store order lines", e);
    }
  }

  @Override
  public List<StoredLine> convertToEntityAttribute(String json) {
    try {
      return json == null ? null : List.copyOf(MAPPER.readValue(json, LINES));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable order lines", e);
    }
  }
}
