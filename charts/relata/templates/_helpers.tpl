{{/* Names ---------------------------------------------------------------------------------- */}}

{{- define "relata.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "relata.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component: <fullname>-<component>. */}}
{{- define "relata.componentName" -}}
{{- printf "%s-%s" (include "relata.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels ------------------------------------------------------------------------------------ */}}

{{- define "relata.selectorLabels" -}}
app.kubernetes.io/name: {{ include "relata.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "relata.labels" -}}
{{ include "relata.selectorLabels" . }}
app.kubernetes.io/part-of: relata
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Workloads --------------------------------------------------------------------------------- */}}

{{/*
Deep merge: maps merge key by key, everything else (lists, scalars, false, 0) replaces.
(sprig's merge functions skip false and 0, so `autoscaling.enabled: false` would be lost.)
Input: dict "base" "over"; output: YAML.
*/}}
{{- define "relata.deepMerge" -}}
{{- $out := deepCopy (.base | default dict) -}}
{{- range $k, $v := (.over | default dict) -}}
{{- $cur := get $out $k -}}
{{- if and (kindIs "map" $v) (kindIs "map" $cur) -}}
{{- $_ := set $out $k (include "relata.deepMerge" (dict "base" $cur "over" $v) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $k $v -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Every enabled workload, name -> settings (`default:` merged with the workload's own), plus:
kind (gateway|service), fullname, envPrefix, callees (services this workload calls).
Output: YAML; use with `include "relata.workloads" . | fromYaml`.
*/}}
{{- define "relata.workloads" -}}
{{- $root := . -}}
{{- $all := dict -}}
{{- $gw := include "relata.deepMerge" (dict "base" .Values.default "over" .Values.gateway) | fromYaml -}}
{{- $_ := set $gw "kind" "gateway" -}}
{{- $_ := set $all "gateway" $gw -}}
{{- range $name, $svc := .Values.services -}}
{{- if eq $name "gateway" -}}
{{- fail "services.gateway: the name gateway is taken by the API gateway; pick another service name" -}}
{{- end -}}
{{- $w := include "relata.deepMerge" (dict "base" $root.Values.default "over" $svc) | fromYaml -}}
{{- $_ := set $w "kind" "service" -}}
{{- $_ := set $all $name $w -}}
{{- end -}}
{{- $out := dict -}}
{{- range $name, $w := $all -}}
{{- if $w.enabled -}}
{{- $_ := set $w "name" $name -}}
{{- $_ := set $w "fullname" (include "relata.componentName" (dict "root" $root "component" $name)) -}}
{{- $_ := set $w "envPrefix" ($name | upper | replace "-" "_") -}}
{{- $_ := set $out $name $w -}}
{{- end -}}
{{- end -}}
{{- range $name, $w := $out -}}
{{- $callees := list -}}
{{- range $other, $o := $out -}}
{{- if and (eq $o.kind "service") (has $name ($o.calledBy | default list)) -}}
{{- $callees = append $callees $other -}}
{{- end -}}
{{- end -}}
{{- $_ := set $w "callees" $callees -}}
{{- end -}}
{{- range $name, $w := $out -}}
{{- range $caller := ($w.calledBy | default list) -}}
{{- if not (hasKey $all $caller) -}}
{{- fail (printf "services.%s.calledBy: %q is not a workload (known: %s)" $name $caller (keys $all | sortAlpha | join ", ")) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Images ------------------------------------------------------------------------------------ */}}

{{/*
An image reference from {registry, repository, tag, digest}: registry/repository:tag,
registry/repository@digest, or both. Input: dict "image" "what" (for error messages).
*/}}
{{- define "relata.imageRef" -}}
{{- $i := .image -}}
{{- if eq (toString $i.tag) "latest" -}}
{{- fail (printf "%s.tag: \"latest\" is not allowed; pin a version tag or a digest" .what) -}}
{{- end -}}
{{- if and (not $i.tag) (not $i.digest) -}}
{{- fail (printf "%s: set a tag or a digest" .what) -}}
{{- end -}}
{{- $ref := $i.repository -}}
{{- if $i.registry -}}{{- $ref = printf "%s/%s" (trimSuffix "/" $i.registry) $ref -}}{{- end -}}
{{- if $i.tag -}}{{- $ref = printf "%s:%s" $ref (toString $i.tag) -}}{{- end -}}
{{- if $i.digest -}}{{- $ref = printf "%s@%s" $ref $i.digest -}}{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* The image of a Relata workload: <registry>/relata-<name>:<tag>. Input: dict "root" "w". */}}
{{- define "relata.workloadImage" -}}
{{- $root := .root -}}{{- $w := .w -}}
{{- $img := dict
  "registry" ($w.image.registry | default $root.Values.image.registry)
  "repository" ($w.image.repository | default (printf "relata-%s" $w.name))
  "tag" ($w.image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion)
  "digest" $w.image.digest -}}
{{- $what := ternary "gateway.image" (printf "services.%s.image" $w.name) (eq $w.kind "gateway") -}}
{{- if eq (toString $root.Values.image.tag) "latest" -}}{{- $what = "image" -}}{{- end -}}
{{- include "relata.imageRef" (dict "image" $img "what" $what) -}}
{{- end -}}

{{/* Dependencies ------------------------------------------------------------------------------ */}}

{{/*
A random secret that survives upgrades: the value already in the cluster when there is one.
Input: dict "root" "secret" (name) "key" "length".
*/}}
{{- define "relata.stableRandom" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum (.length | default 32) -}}
{{- end -}}
{{- end -}}

{{- define "relata.mongodb.host" -}}
{{- include "relata.componentName" (dict "root" . "component" "mongodb") -}}
{{- end -}}

{{/* The database of a service. Input: dict "w". */}}
{{- define "relata.mongodb.database" -}}
{{- (.w.mongodb | default dict).database | default .w.name -}}
{{- end -}}

{{/*
Where a service's MONGO_URI comes from: "secret" and "key". Input: dict "root" "w".
*/}}
{{- define "relata.mongodb.uriSource" -}}
{{- $m := .w.mongodb | default dict -}}
{{- if $m.existingSecret -}}
secret: {{ $m.existingSecret }}
key: {{ $m.existingSecretKey | default "uri" }}
{{- else if or $m.uri .root.Values.mongodb.enabled -}}
secret: {{ printf "%s-mongodb" .w.fullname }}
key: uri
{{- else -}}
{{- fail (printf "services.%s.mongodb: mongodb.enabled is false, so set existingSecret (a Secret with the URI) or uri for this service" .w.name) -}}
{{- end -}}
{{- end -}}

{{/* True when the bundled MongoDB holds this service's user. Input: dict "root" "w". */}}
{{- define "relata.mongodb.bundledUser" -}}
{{- $m := .w.mongodb | default dict -}}
{{- if and .root.Values.mongodb.enabled (not $m.existingSecret) (not $m.uri) -}}true{{- end -}}
{{- end -}}

{{- define "relata.nats.url" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s:4222" (include "relata.componentName" (dict "root" . "component" "nats")) -}}
{{- else if .Values.nats.url -}}
{{- .Values.nats.url -}}
{{- else if not .Values.nats.existingSecret -}}
{{- fail "nats: nats.enabled is false, so set nats.url or nats.existingSecret (a Secret with key url)" -}}
{{- end -}}
{{- end -}}

{{/* The workloads with connectOpensearch. Input: the workloads map. Output: a JSON list of names. */}}
{{- define "relata.opensearch.clients" -}}
{{- $clients := list -}}
{{- range $name, $w := . -}}
{{- if $w.connectOpensearch -}}{{- $clients = append $clients $name -}}{{- end -}}
{{- end -}}
{{- toJson $clients -}}
{{- end -}}

{{/*
OPENSEARCH_URL when it is not a secret: the bundled node's Service, or opensearch.url; empty when
it comes from opensearch.existingSecret (key url). Fails when neither says where OpenSearch is.
*/}}
{{- define "relata.opensearch.url" -}}
{{- $o := .Values.opensearch -}}
{{- if $o.enabled -}}
{{- printf "http://%s:9200" (include "relata.componentName" (dict "root" . "component" "opensearch")) -}}
{{- else if $o.url -}}
{{- $o.url | trimSuffix "/" -}}
{{- else if not $o.existingSecret -}}
{{- fail "opensearch: opensearch.enabled is false, so set opensearch.url or opensearch.existingSecret (a Secret with key url, and optional username and password)" -}}
{{- end -}}
{{- end -}}

{{- define "relata.keycloak.hostname" -}}
{{- .Values.keycloak.hostname | default (printf "http://%s:8080" (include "relata.componentName" (dict "root" . "component" "keycloak"))) | trimSuffix "/" -}}
{{- end -}}

{{- define "relata.keycloak.issuer" -}}
{{- if .Values.keycloak.enabled -}}
{{- printf "%s/realms/relata" (include "relata.keycloak.hostname" .) -}}
{{- else if .Values.keycloak.issuer -}}
{{- .Values.keycloak.issuer | trimSuffix "/" -}}
{{- else -}}
{{- fail "keycloak: keycloak.enabled is false, so set keycloak.issuer (e.g. https://sso.example.com/realms/relata)" -}}
{{- end -}}
{{- end -}}

{{/* The URL pods use to reach Keycloak's token endpoint (in-cluster for the bundled one). */}}
{{- define "relata.keycloak.internalIssuer" -}}
{{- if .Values.keycloak.enabled -}}
{{- printf "http://%s:8080/realms/relata" (include "relata.componentName" (dict "root" . "component" "keycloak")) -}}
{{- else -}}
{{- include "relata.keycloak.issuer" . -}}
{{- end -}}
{{- end -}}

{{- define "relata.gateway.publicUrl" -}}
{{- if .Values.gateway.publicUrl -}}
{{- .Values.gateway.publicUrl | trimSuffix "/" -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host -}}
{{- else -}}
{{- printf "http://%s:8080" (include "relata.componentName" (dict "root" . "component" "gateway")) -}}
{{- end -}}
{{- end -}}

{{/* Pod parts shared by the bundled dependencies and the test pods ---------------------------- */}}

{{/* A hardened container securityContext. Input: the user id. */}}
{{- define "relata.containerSecurity" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* A hardened pod securityContext. Input: the user id. */}}
{{- define "relata.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Topology spread for a single-replica dependency. Input: dict "root" "component". */}}
{{- define "relata.spread" -}}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "relata.selectorLabels" . | nindent 6 }}
{{- end -}}

{{/* NetworkPolicy peers: the pods of some components. Input: dict "root" "components" (list). */}}
{{- define "relata.peersOf" -}}
- podSelector:
    matchExpressions:
      - key: app.kubernetes.io/instance
        operator: In
        values: [{{ .root.Release.Name | quote }}]
      - key: app.kubernetes.io/component
        operator: In
        values: {{ toJson .components }}
{{- end -}}

{{/* An egress rule for DNS. */}}
{{- define "relata.egressDns" -}}
- to:
    {{- toYaml .Values.networkPolicy.dns.to | nindent 4 }}
  ports:
    {{- toYaml .Values.networkPolicy.dns.ports | nindent 4 }}
{{- end -}}

{{/* An egress rule to an external dependency. Input: the rule {to, ports}. */}}
{{- define "relata.egressExternal" -}}
- ports:
    {{- toYaml .ports | nindent 4 }}
  {{- if .to }}
  to:
    {{- toYaml .to | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* The NetworkPolicy egress of a dependency (bundled or external). Input: dict "root" "dep". */}}
{{- define "relata.egressTo" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .dep -}}
{{- if $v.enabled -}}
{{- $port := dict "mongodb" 27017 "nats" 4222 "keycloak" 8080 "opensearch" 9200 -}}
- to:
    {{- include "relata.peersOf" (dict "root" $root "components" (list .dep)) | nindent 4 }}
  ports:
    - port: {{ index $port .dep }}
      protocol: TCP
{{- else -}}
{{- include "relata.egressExternal" (index $root.Values.networkPolicy.egress .dep) -}}
{{- end -}}
{{- end -}}

{{/* The non-secret environment of a workload (its ConfigMap). Input: dict "root" "w" "workloads". */}}
{{- define "relata.workloadEnv" -}}
{{- $root := .root -}}{{- $w := .w -}}{{- $name := .w.name -}}{{- $workloads := .workloads -}}
LOG_LEVEL: {{ $w.logLevel | quote }}
OTEL_SERVICE_NAME: {{ printf "relata-%s" $name | quote }}
{{- if $root.Values.otel.endpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $root.Values.otel.endpoint | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: {{ $root.Values.otel.protocol | quote }}
{{- else }}
OTEL_TRACES_EXPORTER: "none"
OTEL_METRICS_EXPORTER: "none"
OTEL_LOGS_EXPORTER: "none"
{{- end }}
OTEL_RESOURCE_ATTRIBUTES: {{ printf "service.namespace=relata,deployment.environment.name=%s" $root.Release.Namespace | quote }}
{{- if eq $w.kind "gateway" }}
PORT: "8080"
PUBLIC_URL: {{ include "relata.gateway.publicUrl" $root | quote }}
OIDC_ISSUER: {{ include "relata.keycloak.issuer" $root | quote }}
OIDC_AUDIENCE: {{ $root.Values.keycloak.audience | quote }}
{{- else }}
GRPC_PORT: "50051"
{{- end }}
METRICS_PORT: {{ $root.Values.metrics.port | quote }}
{{- if and $w.connectNats (not $root.Values.nats.existingSecret) }}
NATS_URL: {{ include "relata.nats.url" $root | quote }}
{{- end }}
{{- if $w.connectOpensearch }}
{{- with include "relata.opensearch.url" $root }}
OPENSEARCH_URL: {{ . | quote }}
{{- end }}
{{- end }}
{{- range $callee := $w.callees }}
{{ (index $workloads $callee).envPrefix }}_GRPC_ADDR: {{ printf "%s:50051" (index $workloads $callee).fullname | quote }}
{{- end }}
{{- end -}}

{{/* A Kubernetes quantity (256Mi, 8Gi) as a NATS size (256MB, 8GB). */}}
{{- define "relata.natsSize" -}}
{{- $q := toString . -}}
{{- $q | replace "Ki" "KB" | replace "Mi" "MB" | replace "Gi" "GB" | replace "Ti" "TB" -}}
{{- end -}}

{{/*
The relata realm for the bundled Keycloak: realm roles, the tenant user attribute and claim,
the relata-api audience, the sales scopes, the public client relata-cli and the partner
clients (client credentials, a fixed tenant claim; secrets by ${RELATA_CLIENT_SECRET_<n>}
placeholders that Keycloak resolves from its environment at import).
*/}}
{{- define "relata.keycloak.realm" -}}
{{- $k := .Values.keycloak -}}
{{- $claim := dict "access.token.claim" "true" "introspection.token.claim" "true" -}}
{{- $apiMappers := list
  (dict "name" "audience" "protocol" "openid-connect" "protocolMapper" "oidc-audience-mapper"
    "config" (merge (dict "included.custom.audience" $k.audience "id.token.claim" "false") $claim))
  (dict "name" "tenant" "protocol" "openid-connect" "protocolMapper" "oidc-usermodel-attribute-mapper"
    "config" (merge (dict "user.attribute" "tenant" "claim.name" "tenant" "jsonType.label" "String" "id.token.claim" "true" "userinfo.token.claim" "true") $claim))
  (dict "name" "realm roles" "protocol" "openid-connect" "protocolMapper" "oidc-usermodel-realm-role-mapper"
    "config" (merge (dict "claim.name" "realm_access.roles" "jsonType.label" "String" "multivalued" "true" "id.token.claim" "false") $claim))
  (dict "name" "sub" "protocol" "openid-connect" "protocolMapper" "oidc-sub-mapper" "config" $claim)
  (dict "name" "username" "protocol" "openid-connect" "protocolMapper" "oidc-usermodel-attribute-mapper"
    "config" (merge (dict "user.attribute" "username" "claim.name" "preferred_username" "jsonType.label" "String" "id.token.claim" "true" "userinfo.token.claim" "true") $claim))
-}}
{{- $scopes := list (dict "name" "relata-api" "description" "Relata API: audience, tenant, roles" "protocol" "openid-connect"
  "attributes" (dict "include.in.token.scope" "false" "display.on.consent.screen" "false")
  "protocolMappers" $apiMappers) -}}
{{- range $s := $k.realm.scopes -}}
{{- $scopes = append $scopes (dict "name" $s "protocol" "openid-connect"
  "attributes" (dict "include.in.token.scope" "true" "display.on.consent.screen" "false")) -}}
{{- end -}}
{{- $roles := list -}}
{{- range $r := $k.realm.roles -}}{{- $roles = append $roles (dict "name" $r) -}}{{- end -}}
{{- $clients := list (dict
  "clientId" "relata-cli" "name" "Relata CLI" "enabled" true "publicClient" true
  "standardFlowEnabled" true "directAccessGrantsEnabled" false "implicitFlowEnabled" false
  "serviceAccountsEnabled" false "fullScopeAllowed" true
  "redirectUris" (list "http://127.0.0.1/*" "http://localhost/*")
  "attributes" (dict "pkce.code.challenge.method" "S256" "oauth2.device.authorization.grant.enabled" "true")
  "defaultClientScopes" (list "relata-api") "optionalClientScopes" $k.realm.scopes) -}}
{{- range $i, $c := $k.realm.partnerClients -}}
{{- $clients = append $clients (dict
  "clientId" $c.clientId "name" (printf "Partner %s" $c.clientId) "enabled" true "publicClient" false
  "clientAuthenticatorType" "client-secret" "secret" (printf "${RELATA_CLIENT_SECRET_%d}" $i)
  "serviceAccountsEnabled" true "standardFlowEnabled" false "directAccessGrantsEnabled" false
  "implicitFlowEnabled" false "fullScopeAllowed" false
  "defaultClientScopes" (list "relata-api") "optionalClientScopes" $c.scopes
  "protocolMappers" (list (dict "name" "tenant" "protocol" "openid-connect" "protocolMapper" "oidc-hardcoded-claim-mapper"
    "config" (merge (dict "claim.name" "tenant" "claim.value" $c.tenant "jsonType.label" "String" "id.token.claim" "false") $claim)))) -}}
{{- end -}}
{{- $perm := dict "view" (list "admin" "user") "edit" (list "admin" "user") -}}
{{- $profile := dict
  "attributes" (list
    (dict "name" "username" "displayName" "Username" "multivalued" false "permissions" $perm
      "validations" (dict "length" (dict "min" 3 "max" 255) "username-prohibited-characters" dict "up-username-not-idn-homograph" dict))
    (dict "name" "email" "displayName" "Email" "multivalued" false "permissions" $perm
      "required" (dict "roles" (list "user")) "validations" (dict "email" dict "length" (dict "max" 255)))
    (dict "name" "firstName" "displayName" "First name" "multivalued" false "permissions" $perm
      "validations" (dict "length" (dict "max" 255) "person-name-prohibited-characters" dict))
    (dict "name" "lastName" "displayName" "Last name" "multivalued" false "permissions" $perm
      "validations" (dict "length" (dict "max" 255) "person-name-prohibited-characters" dict))
    (dict "name" "tenant" "displayName" "Tenant" "multivalued" false
      "permissions" (dict "view" (list "admin" "user") "edit" (list "admin"))
      "validations" (dict "length" (dict "min" 1 "max" 64))))
  "groups" (list (dict "name" "user-metadata" "displayHeader" "User metadata")) -}}
{{- $realm := dict
  "realm" "relata" "displayName" "Relata" "enabled" true "sslRequired" "external"
  "registrationAllowed" false "loginWithEmailAllowed" true "bruteForceProtected" true
  "accessTokenLifespan" 300
  "roles" (dict "realm" $roles)
  "clientScopes" $scopes
  "defaultDefaultClientScopes" (list "relata-api")
  "defaultOptionalClientScopes" $k.realm.scopes
  "clients" $clients
  "components" (dict "org.keycloak.userprofile.UserProfileProvider" (list (dict
    "providerId" "declarative-user-profile" "subComponents" dict
    "config" (dict "kc.user.profile.config" (list (toJson $profile)))))) -}}
{{- toPrettyJson $realm -}}
{{- end -}}
