import RentalKit

/// `[documents]` and `[staff]` in rentald.conf: where the administrator's templates are, how papers
/// are laid out, what they say about each centre, and the names staff sign with.
enum PaperConfig {
    /// The administrator's template directory unless `[documents] templates` names another.
    static let systemTemplateDirectory = "/etc/rentald/templates"

    static func apply(section: String, key: String, value: String, line: Int, to config: inout DaemonConfig,
                      fail: (String) -> ConfigError) throws(ConfigError) {
        if section == "staff" {
            guard isUserName(key) else { throw fail("[staff] keys are Unix user names (letters, digits, '-', '_', '.'), not '\(key)'") }
            guard !value.isEmpty, value.count <= 200 else { throw fail("\(key): give the name staff sign with (1 to 200 characters)") }
            config.staffNames[key] = value
            return
        }
        func text() throws(ConfigError) -> String {
            guard value.count <= 500, !value.contains("<") else { throw fail("\(key): at most 500 characters, without '<'") }
            return value
        }
        switch key {
        case "templates":
            guard value.hasPrefix("/") else { throw fail("templates must be an absolute path") }
            config.documents.templateDirectory = value
        case "copies":
            guard let copies = Int(value), copies == 1 || copies == 2 else { throw fail("copies must be 1 or 2, not '\(value)'") }
            config.documents.copies = copies
        case "label_grid":
            let parts = value.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let columns = parts[0], let rows = parts[1], (1...6).contains(columns), (1...20).contains(rows) else {
                throw fail("label_grid must be COLUMNSxROWS with 1–6 columns and 1–20 rows, such as 3x8, not '\(value)'")
            }
            config.documents.labelColumns = columns
            config.documents.labelRows = rows
        case "label_url":
            guard let problem = labelURLProblem(value) else {
                config.documents.labelURL = value
                return
            }
            throw fail("label_url \(problem)")
        case "organisation":
            config.documents.organisation = try text()
        default:
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["organisation", "address", "head"].contains(parts[0]) else {
                throw fail("unknown key '\(key)' in [documents]")
            }
            do {
                _ = try Validate.code(parts[1], field: "centre")
            } catch {
                throw fail("'\(key)': '\(parts[1])' is not a centre code (a–z, 0–9, '-')")
            }
            let value = try text()
            var facts = config.documents.centres[parts[1]] ?? DaemonConfig.CentreFacts()
            switch parts[0] {
            case "organisation": facts.organisation = value
            case "address": facts.address = value
            default: facts.head = value
            }
            config.documents.centres[parts[1]] = facts
            config.documents.centreKeyLines[key] = line
        }
    }

    /// Why `pattern` cannot be a label URL, or nil: an http(s) URL with `{number}` once, as the last path
    /// segment or a query value, so that a scanned URL gives the number back (``ScannedCode``).
    static func labelURLProblem(_ pattern: String) -> String? {
        guard pattern.hasPrefix("https://") || pattern.hasPrefix("http://") else { return "must start with https:// or http://" }
        guard pattern.components(separatedBy: "{number}").count == 2 else { return "must contain {number} exactly once" }
        guard pattern.hasSuffix("/{number}") || pattern.hasSuffix("={number}") else {
            return "must end with /{number} or ={number} (the last path segment or query value), so that a scanned label gives the number back"
        }
        guard !pattern.contains(" "), pattern.count <= 300 else { return "must have no spaces and at most 300 characters" }
        return nil
    }

    private static func isUserName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
