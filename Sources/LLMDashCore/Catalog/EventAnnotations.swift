/// Annotations asked for by event rather than by query: deploys (rollouts) and canary switches (a new
/// value of the version label), written as checked PromQL annotation queries.
public struct EventAnnotationRequest: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A Deployment's observed generation changed: kube-state-metrics sees a rollout.
        case deploys
        /// A value of the version label appeared that was not there a window earlier.
        case versions
    }

    public var kind: Kind
    public var name: String?
    /// Deploys: a regex of Deployment names, and of namespaces.
    public var deployment: String?
    public var namespace: String?
    /// Versions: the label naming the rollout version.
    public var label: String = "version"
    /// The series to watch instead of the default (kube-state-metrics, or the backend's presence metric).
    public var metric: String?
    /// How far back a change still shows.
    public var window: String = "2m"
    public var iconColor: String?
    public var location: SourceLocation?

    public init(_ kind: Kind) {
        self.kind = kind
    }
}

/// Turns event annotation requests into Prometheus annotation queries.
public enum EventAnnotations {
    /// kube-state-metrics' series whose changes mark a Deployment rollout.
    public static let defaultDeployMetric = "kube_deployment_status_observed_generation"

    /// The annotations for a request on a dashboard (its backend and variables pick the watched series),
    /// or the problems that prevent them.
    public static func expand(_ request: EventAnnotationRequest, in context: SignalContext) -> (
        [AnnotationSpec], [Diagnostic]
    ) {
        switch request.kind {
        case .deploys:
            var matchers: [String] = []
            if let deployment = request.deployment { matchers.append("deployment=~\"\(deployment)\"") }
            if let namespace = request.namespace { matchers.append("namespace=~\"\(namespace)\"") }
            let metric = request.metric ?? defaultDeployMetric
            let series = matchers.isEmpty ? metric : metric + "{" + matchers.joined(separator: ", ") + "}"
            var a = AnnotationSpec(
                name: request.name ?? "Deploys",
                expr: "sum by (namespace, deployment) (changes(\(series)[\(request.window)])) > 0")
            a.iconColor = request.iconColor ?? "rgba(31, 120, 193, 1)"
            a.step = "1m"
            a.titleFormat = "Rollout of {{deployment}}"
            a.textFormat = "{{namespace}}/{{deployment}}: the Deployment's generation changed"
            a.tagKeys = ["namespace", "deployment"]
            a.location = request.location
            return ([a], [])
        case .versions:
            let label = request.label
            guard NameValidationScheme.legacy.isValidLabelName(label) else {
                return ([], [.error("spec.invalid-value", "'\(label)' is not a label name", at: request.location)])
            }
            let series: String
            if let metric = request.metric {
                series = metric
            } else if let backend = context.backend {
                let catalog = Catalog.backend(backend)
                let model = catalog.modelLabel.flatMap { context.has("model") ? "\($0)=~\"$model\"" : nil }
                series = catalog.presenceMetric + (model.map { "{\($0)}" } ?? "")
            } else {
                return (
                    [],
                    [
                        .error(
                            "signal.no-backend", "version annotations need the dashboard's 'backend' or a 'metric'",
                            at: request.location,
                            notes: ["the series watched for a new \(label) value, e.g. metric: up{job=\"vllm\"}"])
                    ]
                )
            }
            var a = AnnotationSpec(
                name: request.name ?? "Canary switches",
                expr:
                    "count by (\(label)) (\(series)) unless count by (\(label)) (\(series) offset \(request.window))")
            a.iconColor = request.iconColor ?? "rgba(255, 152, 48, 1)"
            a.step = "1m"
            a.titleFormat = "\(label) {{\(label)}} appeared"
            a.textFormat = "A new \(label) started serving"
            a.tagKeys = [label]
            a.location = request.location
            return ([a], [])
        }
    }
}
