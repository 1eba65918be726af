{{/*
Chart name, truncated to 63 characters (a DNS label).
*/}}
{{- define "tessera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, prefixed to the chart name unless it already contains it.
Truncated so that "<fullname>-notifications-db-pooler" still fits in 63 characters.
*/}}
{{- define "tessera.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 30 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 30 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 30 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "tessera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every resource.
*/}}
{{- define "tessera.labels" -}}
helm.sh/chart: {{ include "tessera.chart" . }}
{{ include "tessera.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels of the stateful dependencies (Redis, Kafka, Connect, PostgreSQL): no chart or app version.
Their pods are restarted only when their own configuration changes, never by an app release: the
operators (Strimzi, CloudNativePG) copy a custom resource's labels to its pods, and a StatefulSet
restarts its pod whenever its template's labels change. A test renders two chart versions.
*/}}
{{- define "tessera.stableLabels" -}}
{{ include "tessera.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Stable labels of one dependency component. Call with (dict "root" $ "component" "redis").
*/}}
{{- define "tessera.componentStableLabels" -}}
{{ include "tessera.stableLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Topology spread of one component's pods: across nodes strictly (at most one pod more on a node
than on any other: the anti-affinity docs/deploy.md promises, which still lets a surge pod
schedule during a rollout, unlike required pod anti-affinity), across zones where the nodes have
zone labels. Call with (dict "root" $ "selector" <labels dict> "revisionKey" <label or "">).
*/}}
{{- define "tessera.topologySpread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: DoNotSchedule
  labelSelector:
    matchLabels:
      {{- toYaml .selector | nindent 6 }}
  {{- with .revisionKey }}
  # Spread each revision on its own: old pods leaving in a rollout must not pile new ones up.
  matchLabelKeys:
    - {{ . }}
  {{- end }}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- toYaml .selector | nindent 6 }}
  {{- with .revisionKey }}
  matchLabelKeys:
    - {{ . }}
  {{- end }}
{{- end }}

{{/*
Selector labels of the release.
*/}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tessera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component. Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.componentLabels" -}}
{{ include "tessera.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Selector labels of one component. Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.componentSelectorLabels" -}}
{{ include "tessera.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Name of one component's resources: "<fullname>-<component>".
*/}}
{{- define "tessera.componentName" -}}
{{- printf "%s-%s" (include "tessera.fullname" .root) .component }}
{{- end }}

{{/*
CloudNativePG cluster of one service: "<fullname>-<service>-db".
*/}}
{{- define "tessera.dbCluster" -}}
{{- printf "%s-%s-db" (include "tessera.fullname" .root) .component }}
{{- end }}

{{/*
Strimzi Kafka cluster name.
*/}}
{{- define "tessera.kafkaCluster" -}}
{{- printf "%s-kafka" (include "tessera.fullname" .) }}
{{- end }}

{{/*
Kafka bootstrap servers the apps and KEDA use.
*/}}
{{- define "tessera.kafkaBootstrap" -}}
{{- if .Values.kafka.enabled }}
{{- printf "%s-kafka-bootstrap.%s.svc:9092" (include "tessera.kafkaCluster" .) .Release.Namespace }}
{{- else }}
{{- required "kafka.external.bootstrapServers is required when kafka.enabled is false" .Values.kafka.external.bootstrapServers }}
{{- end }}
{{- end }}

{{/*
Redis URL of the apps that use Redis.
*/}}
{{- define "tessera.redisHosts" -}}
{{- if .Values.redis.enabled }}
{{- printf "redis://%s-redis.%s.svc:6379" (include "tessera.fullname" .) .Release.Namespace }}
{{- else }}
{{- required "redis.external.hosts is required when redis.enabled is false" .Values.redis.external.hosts }}
{{- end }}
{{- end }}

{{/*
The Secret holding the Redis password (key redis.auth.secretKey): the one you name, or the one
the chart generates. Empty when an external Redis needs no password.
*/}}
{{- define "tessera.redisSecret" -}}
{{- if .Values.redis.auth.existingSecret }}
{{- .Values.redis.auth.existingSecret }}
{{- else if .Values.redis.enabled }}
{{- printf "%s-redis" (include "tessera.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Name of the KafkaUser (and of the Secret Strimzi gives it) of one principal: an app, "connect",
"<service>-outbox" (a connector), "keda" or "dlq-replay".
*/}}
{{- define "tessera.kafkaUser" -}}
{{- printf "%s-%s" (include "tessera.fullname" .root) .principal }}
{{- end }}

{{/*
Kafka Connect cluster name.
*/}}
{{- define "tessera.connectCluster" -}}
{{- printf "%s-connect" (include "tessera.fullname" .) }}
{{- end }}

{{/*
Image of one app. Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.image" -}}
{{- printf "%s/tessera-%s:%s" .root.Values.image.registry .component (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{/*
In-cluster URL of one app's pods, each at its own address: the headless Service
"<fullname>-<component>-pods" on the container port. The gateway resolves it to every ready pod.
*/}}
{{- define "tessera.appPodsUrl" -}}
{{- printf "http://%s-pods.%s.svc:%v" (include "tessera.componentName" .) .root.Release.Namespace .root.Values.common.httpPort }}
{{- end }}

{{/*
In-cluster URL of one app's Service.
*/}}
{{- define "tessera.appUrl" -}}
{{- printf "http://%s.%s.svc" (include "tessera.componentName" .) .root.Release.Namespace }}
{{- end }}

{{/*
The dead-letter topic of one (topic, group): "<topic>.<group>.dlq", as the services name it.
*/}}
{{- define "tessera.dlqTopic" -}}
{{- printf "%s.%s.dlq" .topic .group }}
{{- end }}

{{/*
Debezium's heartbeat topic of one service's outbox connector (OutboxConnector.heartbeatTopic()).
*/}}
{{- define "tessera.heartbeatTopic" -}}
{{- printf "__debezium-heartbeat.tessera.%s" . }}
{{- end }}

{{/*
The dead-letter topics the replay Job replays, one "<dead-letter topic>=<original topic>" per
line: dlqReplay.topics, or every dead-letter topic of apps.*.consumer when it is empty.
*/}}
{{- define "tessera.dlqReplayTopics" -}}
{{- range $name, $app := .Values.apps }}
{{- if $app.consumer }}
{{- range $topic := $app.consumer.topics }}
{{- $dlq := include "tessera.dlqTopic" (dict "topic" $topic "group" $app.consumer.group) }}
{{- if or (not $.Values.dlqReplay.topics) (has $dlq $.Values.dlqReplay.topics) }}
{{ $dlq }}={{ $topic }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A Kubernetes object name for a Kafka topic name.
*/}}
{{- define "tessera.topicResourceName" -}}
{{- printf "%s-%s" (include "tessera.fullname" .root) (.topic | replace "." "-" | replace "_" "-") | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Who needs what, read from the apps' values rather than listed: the domain services are the apps
with "database: true" (each has its own PostgreSQL database, migration Job and is a gateway
upstream), the Redis users those with "redis: true". Space-separated names, in key order.
*/}}
{{- define "tessera.services" -}}
{{- $names := list }}
{{- range $name, $app := .Values.apps }}
{{- if $app.database }}
{{- $names = append $names $name }}
{{- end }}
{{- end }}
{{- join " " $names }}
{{- end }}
{{- define "tessera.redisApps" -}}
{{- $names := list }}
{{- range $name, $app := .Values.apps }}
{{- if $app.redis }}
{{- $names = append $names $name }}
{{- end }}
{{- end }}
{{- join " " $names }}
{{- end }}

{{/*
The gateway's route table, from the services' apps (their service.yaml, checked by a test): the
public reads and the credential endpoints, each comma-separated, and one metrics uri per service.
Call with (list $ "public"), (list $ "auth") or (list $ "metrics").
*/}}
{{- define "tessera.gatewayRoutes" -}}
{{- $root := index . 0 }}
{{- $what := index . 1 }}
{{- $items := list }}
{{- range $name := splitList " " (include "tessera.services" $root) }}
{{- $app := get $root.Values.apps $name }}
{{- if eq $what "metrics" }}
{{- $items = append $items (printf "/api/%s/.*=/api/%s" $name $name) }}
{{- else if $app.routes }}
{{- $items = concat $items (get $app.routes $what | default list) }}
{{- end }}
{{- end }}
{{- join "," $items }}
{{- end }}

{{/*
The migration tool of a service image (platform/migrations), as a container command. Flyway logs
to the console; SLF4J (no backend outside Quarkus) is told which provider to use, silently.
Call with (list "migrate") or (list "await").
*/}}
{{- define "tessera.migrationCommand" -}}
["java", "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider", "-cp", "/deployments/lib/main/*:/deployments/app/*", "dev.tessera.migrations.MigrationTool", {{ index . 0 | quote }}]
{{- end }}

{{/*
Environment of the migration tool for one service: its database (the primary, directly: Flyway
holds a session-level advisory lock), its shard databases if it has any, and the limits of the
migration.
Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.migrationEnv" -}}
{{- $root := .root }}
{{- $db := include "tessera.dbCluster" . }}
- name: QUARKUS_DATASOURCE_JDBC_URL
  {{- if $root.Values.postgres.enabled }}
  value: {{ printf "jdbc:postgresql://%s-rw.%s.svc:5432/%s" $db $root.Release.Namespace .component | quote }}
  {{- else }}
  value: {{ printf "jdbc:postgresql://%s:%v/%s" $root.Values.postgres.external.host $root.Values.postgres.external.port .component | quote }}
  {{- end }}
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $db }}-app
      key: username
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db }}-app
      key: password
- name: TESSERA_MIGRATIONS_LOCK_TIMEOUT
  value: {{ $root.Values.migrations.lockTimeout | quote }}
- name: TESSERA_MIGRATIONS_STATEMENT_TIMEOUT
  value: {{ $root.Values.migrations.statementTimeout | quote }}
- name: TESSERA_MIGRATIONS_WAIT
  value: {{ $root.Values.migrations.waitSeconds | quote }}
{{- with include "tessera.shardingDatabases" . }}
# Its shard databases, migrated (and awaited) after the home one, with the same credentials.
- name: TESSERA_SHARDING_DATABASES
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
Kafka Exporter's topic and group filters: Tessera's event topics and their dead-letter topics, and
Tessera's consumer groups plus the replay tool's (DeadLetterQueues.REPLAY_GROUP), each an exact
name. Strimzi's own topics, Connect's internal topics and other tenants' groups stay out.
*/}}
{{- define "tessera.exporterTopicRegex" -}}
{{- $topics := list }}
{{- range .Values.topics.events }}
{{- $topics = append $topics . }}
{{- end }}
{{- range $name, $app := .Values.apps }}
{{- if $app.consumer }}
{{- range $topic := $app.consumer.topics }}
{{- $topics = append $topics (include "tessera.dlqTopic" (dict "topic" $topic "group" $app.consumer.group)) }}
{{- end }}
{{- end }}
{{- end }}
{{- printf "^(%s)$" (join "|" (sortAlpha (uniq $topics)) | replace "." "\\.") }}
{{- end }}
{{- define "tessera.exporterGroupRegex" -}}
{{- $groups := list "tessera-dlq-replay" }}
{{- range $name, $app := .Values.apps }}
{{- if $app.consumer }}
{{- $groups = append $groups $app.consumer.group }}
{{- end }}
{{- end }}
{{- printf "^(%s)$" (join "|" (sortAlpha (uniq $groups)) | replace "." "\\.") }}
{{- end }}

{{/*
Sharding (docs/sharding.md): a domain service's extra databases, apps.<service>.shards (orders
only reads them today). Each is a CloudNativePG cluster "<fullname>-<shard>-db" holding a database
named after the service, with the service's own credentials, and its own outbox connector.
*/}}

{{/*
The databases of one service, space-separated: its home database (named after it), then its shards.
Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.databases" -}}
{{- $names := list .component }}
{{- range $shard := (get .root.Values.apps .component).shards | default list }}
{{- $names = append $names $shard.name }}
{{- end }}
{{- join " " $names }}
{{- end }}

{{/*
TESSERA_SHARDING_DATABASES of one service: "<shard>=postgresql://<primary>:5432/<service>", comma-
separated, in values order. The primary itself, not PgBouncer: Flyway (MigrationTool, "jdbc:" + it)
holds a session-level advisory lock and the shard mover replicates logically, neither of which
passes through a transaction-mode pooler. Call with (dict "root" $ "component" "orders").
*/}}
{{- define "tessera.shardingDatabases" -}}
{{- $root := .root }}
{{- $service := .component }}
{{- $app := get $root.Values.apps $service }}
{{- $entries := list }}
{{- range $shard := $app.shards | default list }}
{{- $db := include "tessera.dbCluster" (dict "root" $root "component" $shard.name) }}
{{- $entries = append $entries (printf "%s=postgresql://%s-rw.%s.svc:5432/%s" $shard.name $db $root.Release.Namespace $service) }}
{{- end }}
{{- join "," $entries }}
{{- end }}

{{/*
The shard numbers of one "a-b,c-d" string of ranges (tessera.owned_shards), checked: JSON list.
Call with (list "<ranges>" "<what, for messages>").
*/}}
{{- define "tessera.shardsOfRanges" -}}
{{- $what := index . 1 }}
{{- $shards := list }}
{{- range $range := splitList "," (index . 0) }}
{{- if $range }}
{{- $bounds := splitList "-" $range }}
{{- $first := int (index $bounds 0) }}
{{- $last := int (index $bounds 1) }}
{{- if or (gt $first $last) (gt $last 4095) }}
{{- fail (printf "%s: %s is not a range of shards from 0 to 4095, first to last" $what $range) }}
{{- end }}
{{- $shards = concat $shards (untilStep $first (add1 $last | int) 1) }}
{{- end }}
{{- end }}
{{- toJson $shards }}
{{- end }}

{{/*
Refuses what would break sharding before anything renders: a shard named like an app or another
shard (their clusters would be one), names too long for CloudNativePG's Services, shards without
the chart's PostgreSQL, two databases owning one shard, a move to a database that is not a shard.
*/}}
{{- define "tessera.checkShards" -}}
{{- $root := . }}
{{- $names := keys $root.Values.apps }}
{{- range $service, $app := $root.Values.apps }}
{{- if or $app.shards $app.shardMove }}
{{- if not $app.database }}
{{- fail (printf "apps.%s.shards: only a domain service (database: true) has databases to shard" $service) }}
{{- end }}
{{- if not $root.Values.postgres.enabled }}
{{- fail (printf "apps.%s.shards: the chart creates shard databases only with postgres.enabled" $service) }}
{{- end }}
{{- end }}
{{- $owner := dict }}
{{- $shardNames := list }}
{{- range $shard := $app.shards | default list }}
{{- if has $shard.name $names }}
{{- fail (printf "apps.%s.shards: %s is already the name of an app or another shard" $service $shard.name) }}
{{- end }}
{{- $names = append $names $shard.name }}
{{- $shardNames = append $shardNames $shard.name }}
{{- $pooler := printf "%s-pooler-rw" (include "tessera.dbCluster" (dict "root" $root "component" $shard.name)) }}
{{- if gt (len $pooler) 63 }}
{{- fail (printf "apps.%s.shards: %s is too long a name (its Pooler %s exceeds 63 characters)" $service $shard.name $pooler) }}
{{- end }}
{{- range $n := include "tessera.shardsOfRanges" (list $shard.owns (printf "apps.%s.shards[%s].owns" $service $shard.name)) | fromJsonArray }}
{{- $key := toString $n }}
{{- if hasKey $owner $key }}
{{- fail (printf "apps.%s.shards: shard %s is owned by both %s and %s" $service $key (get $owner $key) $shard.name) }}
{{- end }}
{{- $_ := set $owner $key $shard.name }}
{{- end }}
{{- end }}
{{- with $app.shardMove }}
{{- if not (has .to $shardNames) }}
{{- fail (printf "apps.%s.shardMove.to: %s is not one of apps.%s.shards" $service .to $service) }}
{{- end }}
{{- $_ := include "tessera.shardsOfRanges" (list .range (printf "apps.%s.shardMove.range" $service)) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The shards the home database of one service owns at its creation when its shard databases own some
(a system installed sharded): every shard none of them owns, as ranges. Empty output when they own
none: the home database then owns all 4,096 (V4's default), and its Cluster is as without shards.
Call with (dict "root" $ "component" "orders"); "-" stands for "owns none".
*/}}
{{- define "tessera.homeOwnedShards" -}}
{{- $app := get .root.Values.apps .component }}
{{- $taken := dict }}
{{- range $shard := $app.shards | default list }}
{{- range $n := include "tessera.shardsOfRanges" (list $shard.owns (printf "apps.%s.shards[%s].owns" $.component $shard.name)) | fromJsonArray }}
{{- $_ := set $taken (toString $n) true }}
{{- end }}
{{- end }}
{{- if $taken }}
{{- $ranges := list }}
{{- $start := -1 }}
{{- range $n := until 4097 }}
{{- $free := and (lt $n 4096) (not (hasKey $taken (toString $n))) }}
{{- if and $free (lt $start 0) }}
{{- $start = $n }}
{{- else if and (not $free) (ge $start 0) }}
{{- $ranges = append $ranges (printf "%d-%d" $start (sub $n 1)) }}
{{- $start = -1 }}
{{- end }}
{{- end }}
{{- default "-" (join "," $ranges) }}
{{- end }}
{{- end }}
