/// Parses a YAML file into documents, turning a syntax error into a located diagnostic.
public enum YAMLDocuments {
    public static func parse(_ file: SourceFile) -> (documents: [YAMLNode], diagnostics: [Diagnostic]) {
        switch YAMLParser.parse(file.utf8) {
        case .success(let documents):
            return (documents, [])
        case .failure(let error):
            return (
                [], [.error("yaml.syntax", error.message, at: file.location(ofByte: error.offset), notes: error.notes)]
            )
        }
    }
}
