/// A template that cannot be used, with where the problem is.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The template file.
    public var file: String
    /// The line, 1-based (0 when the problem is the file as a whole).
    public var line: Int
    /// What is wrong.
    public var problem: String

    /// Creates an error.
    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// `file:line: problem`.
    public var description: String { line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)" }
}
