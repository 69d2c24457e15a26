/// Grafana file-provisioning documents that accompany the dashboards.
public enum Provisioning {
    /// The dashboard provider: one file provider whose folders come from the directory layout.
    public static func dashboardProvider(path: String) -> String {
        """
        # Written by llmdash. Grafana file provider for the dashboards in ../../dashboards.
        apiVersion: 1
        providers:
          - name: llmdash
            orgId: 1
            type: file
            disableDeletion: false
            updateIntervalSeconds: 30
            allowUiUpdates: false
            options:
              path: \(yamlQuoted(path))
              foldersFromFilesStructure: true

        """
    }

    /// The Prometheus datasource the dashboards refer to by uid, with the trace links of exemplars, and the
    /// Loki, Tempo and Jaeger datasources the dashboards declare.
    public static func prometheusDatasource(
        url: String, uid: String, scrapeInterval: String, exemplars: [ExemplarSpec] = [],
        datasources: [DatasourceDeclaration] = []
    ) -> String {
        var text = """
            # Written by llmdash. The Prometheus datasource that the dashboards' queries run on.
            apiVersion: 1
            datasources:
              - name: Prometheus
                type: prometheus
                uid: \(yamlQuoted(uid))
                access: proxy
                url: \(yamlQuoted(url))
                isDefault: true
                editable: false
                jsonData:
                  httpMethod: POST
                  timeInterval: \(yamlQuoted(scrapeInterval))

            """
        if !exemplars.isEmpty {
            text += "      exemplarTraceIdDestinations:\n"
            for exemplar in exemplars {
                text += "        - name: \(yamlQuoted(exemplar.label))\n"
                text += "          datasourceUid: \(yamlQuoted(exemplar.datasource))\n"
                if let label = exemplar.urlDisplayLabel {
                    // Grafana expands $VAR in provisioning files: `$$` keeps a literal `$`.
                    text += "          urlDisplayLabel: \(yamlQuoted(label.replacingDollars()))\n"
                }
            }
        }
        for datasource in datasources {
            text += """
                  - name: \(yamlQuoted(datasource.name))
                    type: \(datasource.type.rawValue)
                    uid: \(yamlQuoted(datasource.uid))
                    access: proxy
                    url: \(yamlQuoted(datasource.url))
                    editable: false

                """
        }
        return text
    }
}

extension String {
    /// `$` doubled, as Grafana's provisioning files write a literal dollar sign.
    func replacingDollars() -> String {
        var out = ""
        for c in self {
            if c == "$" { out.append("$") }
            out.append(c)
        }
        return out
    }

    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
