{{/* The server image: repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "reboot-manager.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* `--NAME=VALUE` for each flag of a NAME: VALUE map, sorted by name, as a JSON list (range it after
fromJsonArray). Whole numbers print as integers (values files give Helm floats: 1000000 would print 1e+06);
null drops a flag. */}}
{{- define "reboot-manager.flags" -}}
{{- $out := list }}
{{- range $name, $value := . }}
{{- if not (kindIs "invalid" $value) }}
{{- $out = append $out (printf "--%s=%s" $name (ternary (int64 $value | toString) (toString $value) (and (kindIs "float64" $value) (eq $value (floor $value))))) }}
{{- end }}
{{- end }}
{{- toJson $out }}
{{- end }}

{{/* The FleetLock Service's port: service.port, else 443 with TLS, else 80. */}}
{{- define "reboot-manager.servicePort" -}}
{{ .Values.service.port | default (ternary 443 80 (ne .Values.tlsSecretName "")) }}
{{- end }}
