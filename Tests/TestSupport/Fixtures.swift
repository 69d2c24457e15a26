/// Specs more than one test suite builds.
public enum SpecFixtures {
    /// A dashboard (uid `big`, metadata on line 3) with one text panel of about 1.1 MB: too large for a
    /// Kubernetes ConfigMap (1 MiB), fine as a plain file.
    public static let oversizedDashboard = """
        apiVersion: llmdash/v1
        kind: Dashboard
        metadata: {uid: big, title: Big}
        spec:
          panels:
            - text: {title: Notes, content: "\(String(repeating: "Runbook line. ", count: 80_000))"}
        """
}
