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
Apps that use a database, Kafka, Redis: the chart's single list of who needs what.
*/}}
{{- define "tessera.services" -}}
identity orders billing notifications
{{- end }}
{{- define "tessera.redisApps" -}}
gateway identity orders billing notifications
{{- end }}
