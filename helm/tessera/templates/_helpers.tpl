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
holds a session-level advisory lock) and the limits of the migration.
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
