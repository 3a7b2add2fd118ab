{{/* The server image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "reboot-manager.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* `--NAME=VALUE` for each flag of a NAME: VALUE map, sorted by name. Whole numbers print as integers
(values files give Helm floats: 1000000 would print 1e+06); null drops a flag. */}}
{{- define "reboot-manager.flags" -}}
{{- range $name, $value := . }}
{{- if not (kindIs "invalid" $value) }}
- {{ printf "--%s=%s" $name (ternary (int64 $value | toString) (toString $value) (and (kindIs "float64" $value) (eq $value (floor $value)))) | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The FleetLock Service's port: service.port, else 443 with TLS, else 80. */}}
{{- define "reboot-manager.servicePort" -}}
{{ .Values.service.port | default (ternary 443 80 (ne .Values.tlsSecretName "")) }}
{{- end }}

{{/* imagePullSecrets of a pod spec, when there are any. */}}
{{- define "reboot-manager.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
