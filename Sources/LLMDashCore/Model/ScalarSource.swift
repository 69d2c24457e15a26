/// Where a string value came from in a YAML file, so positions inside it (e.g. in a PromQL query) map back.
public struct ScalarSource: Sendable, Hashable {
    public enum Style: String, Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    /// Location of the scalar's first character (the quote or the `|`/`>` indicator included).
    public var start: SourceLocation
    public var style: Style
    /// Byte offset of `start` in the file.
    public var offset: Int

    public init(start: SourceLocation, style: Style, offset: Int) {
        self.start = start
        self.style = style
        self.offset = offset
    }
}
