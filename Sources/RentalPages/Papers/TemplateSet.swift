import Foundation
import Mustache

/// The templates in force: for each name, the administrator's copy when there is one
/// (`/etc/rentald/templates/NAME.mustache`), else the one shipped with rentald. Every template is parsed
/// and its fields checked when the set is loaded, so a set that loads renders.
public struct TemplateSet: Sendable {
    /// The template names: the shared `style` partial (print CSS) and one per document.
    public static let names: [String] = ["style"] + DocumentKind.allCases.map(\.rawValue)

    /// Where each template was read from, by name.
    public let files: [String: String]
    private let library: MustacheLibrary

    /// Where the shipped templates are (``ShippedTemplates``).
    public static func shippedDirectory() -> String? {
        ShippedTemplates.directory(holding: "contract.mustache")
    }

    /// Loads and checks every template: `adminDirectory`'s copy wins over `shippedDirectory`'s.
    /// Throws the first problem with its file and line.
    public static func load(adminDirectory: String?, shippedDirectory: String? = TemplateSet.shippedDirectory()) throws(TemplateError) -> TemplateSet {
        var library = MustacheLibrary()
        var files: [String: String] = [:]
        let partials: Set<String> = ["style"]
        for name in names {
            let candidates = [adminDirectory, shippedDirectory].compactMap { $0 }.map { "\($0)/\(name).mustache" }
            guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw TemplateError(file: candidates.first ?? "\(name).mustache", line: 0,
                                    problem: "no template '\(name).mustache' (looked in \(candidates.map { ($0 as NSString).deletingLastPathComponent }.joined(separator: ", ")))")
            }
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw TemplateError(file: file, line: 0, problem: "cannot be read (unreadable or not UTF-8)")
            }
            let template: MustacheTemplate
            do {
                template = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw TemplateError(file: file, line: error.context.lineNumber, problem: Self.describe(error.error))
            } catch {
                throw TemplateError(file: file, line: 0, problem: "cannot be parsed: \(error)")
            }
            let schema = DocumentKind(rawValue: name).map(PaperSamples.schema(of:)) ?? .object([:])
            try TemplateCheck.check(text, file: file, schema: schema, partials: partials.subtracting([name]))
            library.register(template, named: name)
            files[name] = file
        }
        return TemplateSet(files: files, library: library)
    }

    private init(files: [String: String], library: MustacheLibrary) {
        self.files = files
        self.library = library
    }

    /// Renders `kind` with the fields in `context` (see ``PaperContext``).
    public func render(_ kind: DocumentKind, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: kind.rawValue) ?? ""
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "cannot be parsed: \(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened with"
        case .unfinishedName: return "a tag is not finished (missing }} or a bad name)"
        case .expectedSectionEnd: return "a section is opened but never closed ({{/…}} missing)"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: return "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection, .textInsideInheritSection: return "an inheritance section holds something it may not"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: return "a configuration tag ({{% …}}) is not understood"
        }
    }
}
