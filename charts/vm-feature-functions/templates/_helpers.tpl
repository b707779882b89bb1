{{/* The one image, by digest when one is given. */}}
{{- define "vff.image" -}}
{{- $i := .Values.image -}}
{{- if $i.digest -}}
{{ $i.repository }}@{{ $i.digest }}
{{- else -}}
{{ $i.repository }}:{{ $i.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}

{{/* An environment value as a string; whole numbers never in exponent form. */}}
{{- define "vff.envValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) -}}
{{ int64 . | quote }}
{{- else -}}
{{ toString . | quote }}
{{- end -}}
{{- end -}}

{{/*
`settings` as env entries: each key is the camelCase of the variable's name. An empty value is
left out, as the API server stores it (EnvVar's value is omitempty): the container sees "" all
the same, and an applied manifest does not differ from the stored object.
*/}}
{{- define "vff.settingsEnv" -}}
{{- range $key, $value := . }}
- name: {{ snakecase $key | upper }}
{{- if ne (toString $value) "" }}
  value: {{ include "vff.envValue" $value }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Namespaces no webhook entry sees: the release's own first. */}}
{{- define "vff.excludedNamespaces" -}}
[{{ prepend (without .Values.excludedNamespaces .Release.Namespace) .Release.Namespace | join ", " }}]
{{- end -}}

{{/* The function's container (dict: root, name, values, env). */}}
{{- define "vff.container" -}}
- name: function
  image: {{ include "vff.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  ports:
    - containerPort: 8080
      protocol: TCP
  env:
    - name: FUNCTION_TARGET
      value: {{ .name }}
    {{- with .values.errorHandling }}
    # reject | allow-and-log | strip-label (docs/functions/{{ $.name }}.md)
    - name: {{ $.name | upper | replace "-" "_" }}_ERROR_HANDLING
      value: {{ . }}
    {{- end }}
    {{- include "vff.settingsEnv" .values.settings | trim | nindent 4 }}
    {{- with .env }}
    {{- . | nindent 4 }}
    {{- end }}
  readinessProbe:
    httpGet:
      path: /healthz
      {{- if eq .root.Values.serving "deployment" }}
      port: 8080
      {{- end }}
  resources:
    {{- toYaml .values.resources | nindent 4 }}
  securityContext:
    runAsNonRoot: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: ["ALL"]
    seccompProfile:
      type: RuntimeDefault
{{- end -}}

{{/*
A function's workload (dict: root, name, values, env, automount): a scale-to-zero Knative
Service, or a Deployment and a Service of the same name (and a PodDisruptionBudget when more
than one replica). Either way http://<name>.<namespace>.svc.<domain> reaches it on port 80.
*/}}
{{- define "vff.workload" -}}
{{- $v := .values -}}
{{- if eq .root.Values.serving "knative" -}}
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    # Reached only through the front door (or Metacontroller), never from outside the cluster.
    networking.knative.dev/visibility: cluster-local
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: {{ $v.scale.minScale | toString | quote }}
        autoscaling.knative.dev/initial-scale: {{ $v.scale.initialScale | toString | quote }}
        # A burst keeps one pod warm for a while instead of paying a cold start each.
        autoscaling.knative.dev/scale-to-zero-pod-retention-period: {{ $v.scale.retentionPeriod | quote }}
        autoscaling.knative.dev/target: {{ $v.scale.target | toString | quote }}
    spec:
      serviceAccountName: {{ .name }}
      containerConcurrency: 0
      # Answers stay far inside the webhook's timeoutSeconds; this bounds a stuck request.
      timeoutSeconds: 15
      containers:
        {{- include "vff.container" . | nindent 8 }}
{{- else -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels: { app.kubernetes.io/name: {{ .name }}, app.kubernetes.io/part-of: vm-feature-functions }
spec:
  replicas: {{ $v.replicas }}
  selector:
    matchLabels: { app.kubernetes.io/name: {{ .name }} }
  template:
    metadata:
      labels: { app.kubernetes.io/name: {{ .name }}, app.kubernetes.io/part-of: vm-feature-functions }
    spec:
      serviceAccountName: {{ .name }}
      containers:
        {{- include "vff.container" . | nindent 8 }}
---
# The same address a Knative Service has: http://<function>.<namespace>.svc, port 80.
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
spec:
  selector: { app.kubernetes.io/name: {{ .name }} }
  ports:
    - name: http
      port: 80
      targetPort: 8080
{{- if gt (int $v.replicas) 1 }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
spec:
  minAvailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: {{ .name }} }
{{- end }}
{{- end }}
{{- end -}}

{{/* A ClusterRoleBinding of vm-feature-functions:<name> to the function's ServiceAccount. */}}
{{- define "vff.clusterRoleBinding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: vm-feature-functions:{{ .name }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: vm-feature-functions:{{ .name }}
subjects:
  - kind: ServiceAccount
    name: {{ .name }}
    namespace: {{ .root.Release.Namespace }}
{{- end -}}

{{/*
The front door's CA, certificate and key as JSON when the chart makes or is given them
(certificate.source generated or provided). Made once per render (the Secret and the webhook's
caBundle must agree), and reused from the installed Secret on upgrade so the CA stays.
*/}}
{{- define "vff.tls" -}}
{{- if not (hasKey .Values "__tls") -}}
{{- $c := .Values.certificate -}}
{{- $tls := dict -}}
{{- if eq $c.source "provided" -}}
{{- $p := $c.provided -}}
{{- $tls = dict "ca" (required "certificate.provided.caCert is required with certificate.source=provided" $p.caCert) "cert" (required "certificate.provided.cert is required with certificate.source=provided" $p.cert) "key" (required "certificate.provided.key is required with certificate.source=provided" $p.key) -}}
{{- else -}}
{{- $old := lookup "v1" "Secret" .Release.Namespace "front-door-tls" -}}
{{- $data := dig "data" dict $old -}}
{{- if hasKey $data "ca.crt" -}}
{{- $tls = dict "ca" (b64dec (get $data "ca.crt")) "cert" (b64dec (get $data "tls.crt")) "key" (b64dec (get $data "tls.key")) -}}
{{- else -}}
{{- $ca := genCA "vm-feature-functions-ca" (int $c.generatedDays) -}}
{{- $name := printf "vm-feature-webhooks.%s.svc" .Release.Namespace -}}
{{- $cert := genSignedCert $name nil (list $name) (int $c.generatedDays) $ca -}}
{{- $tls = dict "ca" $ca.Cert "cert" $cert.Cert "key" $cert.Key -}}
{{- end -}}
{{- end -}}
{{- $_ := set .Values "__tls" $tls -}}
{{- end -}}
{{- toJson (get .Values "__tls") -}}
{{- end -}}

{{/* The start of a webhook entry (dict: root, name, values, sideEffects, namespaceExpressions). */}}
{{- define "vff.entry" -}}
- name: {{ .name }}.vm-feature-manager.io
  admissionReviewVersions: ["v1", "v1beta1"]
  clientConfig:
    service:
      name: vm-feature-webhooks
      namespace: {{ .root.Release.Namespace }}
      path: /{{ .name }}
      port: 443
    {{- if ne .root.Values.certificate.source "cert-manager" }}
    caBundle: {{ (include "vff.tls" .root | fromJson).ca | b64enc }}
    {{- end }}
  # Warm functions answer far inside this (cluster reads have a 3 s deadline); the rest is room
  # for a cold start.
  timeoutSeconds: {{ .values.timeoutSeconds }}
  # Fail: an object that asked for the feature is not admitted without it. Only objects that pass
  # the selectors and matchConditions below are affected.
  failurePolicy: {{ .values.failurePolicy }}
  sideEffects: {{ .sideEffects | default "None" }}
  reinvocationPolicy: IfNeeded
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values: {{ include "vff.excludedNamespaces" .root }}
      {{- with .namespaceExpressions }}
      {{- . | nindent 6 }}
      {{- end }}
{{- end -}}

{{/* The rules of a VirtualMachine entry. */}}
{{- define "vff.vmRules" -}}
rules:
  - apiGroups: ["kubevirt.io"]
    apiVersions: ["v1"]
    operations: ["CREATE", "UPDATE"]
    resources: ["virtualmachines"]
    scope: Namespaced
{{- end -}}

{{/* The rules and object selector of a launcher Pod entry. */}}
{{- define "vff.launcherPodRules" -}}
rules:
  - apiGroups: [""]
    apiVersions: ["v1"]
    operations: ["CREATE"]
    resources: ["pods"]
    scope: Namespaced
objectSelector:
  matchLabels:
    kubevirt.io: virt-launcher
{{- end -}}

{{/* The matchConditions of a VM entry woken only by its annotation. */}}
{{- define "vff.asksByAnnotation" -}}
matchConditions:
  - name: not-being-deleted
    expression: "!has(object.metadata.deletionTimestamp)"
  - name: {{ .condition }}
    expression: >-
      has(object.metadata.annotations) &&
      'vm-feature-manager.io/{{ .name }}' in object.metadata.annotations
{{- end -}}
