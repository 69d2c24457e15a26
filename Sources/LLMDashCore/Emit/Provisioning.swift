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

    /// The Prometheus datasource the dashboards refer to by uid.
    public static func prometheusDatasource(url: String, uid: String, scrapeInterval: String) -> String {
        """
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
    }

    /// A double-quoted YAML scalar.
    static func yamlQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
