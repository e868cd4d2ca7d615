/// What a CSV register holds: one kind of record per file.
public enum ImportKind: String, Sendable, Codable, CaseIterable {
    /// Units of stock (one row per inventory number).
    case units
    /// Families with their children (one row per family reference).
    case families
    /// Centres (one row per centre code).
    case centres
}

/// The character encoding of a CSV file.
public enum ImportEncoding: String, Sendable, Codable, CaseIterable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// Windows-1251 (the Cyrillic code page older Excel versions write).
    case windows1251 = "windows-1251"
}

/// How an import treats records that exist already.
public struct ImportOptions: Sendable, Hashable, Codable {
    /// Check everything and report, write nothing.
    public var dryRun: Bool
    /// Apply changes to existing records (otherwise a record that differs from the stored one is a problem).
    public var update: Bool
    /// The file's encoding; nil detects it (a byte-order mark or valid UTF-8 means UTF-8, else Windows-1251).
    public var encoding: ImportEncoding?

    /// Creates options.
    public init(dryRun: Bool = false, update: Bool = false, encoding: ImportEncoding? = nil) {
        self.dryRun = dryRun
        self.update = update
        self.encoding = encoding
    }
}

/// One thing wrong in a CSV file: where, and what, in English and in Russian. Never the value itself
/// (it may be personal data).
public struct ImportProblem: Sendable, Hashable, Codable {
    /// The line of the file (1 is the header); 0 for the file as a whole.
    public var line: Int
    /// The column as its header is written in the file (or the expected header), empty for a whole row.
    public var column: String
    /// What is wrong, in English.
    public var message: String
    /// What is wrong, in Russian.
    public var messageRu: String

    /// Creates a problem.
    public init(line: Int, column: String, message: String, messageRu: String) {
        self.line = line
        self.column = column
        self.message = message
        self.messageRu = messageRu
    }
}

/// An existing record an import changed (or, in a dry run, would change).
public struct ImportChange: Sendable, Hashable, Codable {
    /// The line of the file.
    public var line: Int
    /// The record's key: inventory number, family reference or centre code.
    public var key: String
    /// The fields that change (names, never values).
    public var fields: [String]

    /// Creates a change.
    public init(line: Int, key: String, fields: [String]) {
        self.line = line
        self.key = key
        self.fields = fields
    }
}

/// The outcome of importing one CSV file: all or nothing.
public struct ImportReport: Sendable, Hashable, Codable {
    /// What the file held.
    public var kind: ImportKind
    /// The encoding read (detected or asked for).
    public var encoding: ImportEncoding
    /// The field separator found: `;` or `,`.
    public var separator: String
    /// Data rows read (the header and empty lines not counted).
    public var rows: Int
    /// New records (written, or that would be).
    public var added: Int
    /// Existing records with changes (applied with `update`, or that would be).
    public var updated: Int
    /// Rows identical to the stored record.
    public var unchanged: Int
    /// Each changed record and its changed fields.
    public var changes: [ImportChange]
    /// Every problem found; when not empty nothing was written.
    public var problems: [ImportProblem]
    /// Whether the store was changed (false for a dry run, a file with problems, or nothing new).
    public var written: Bool

    /// Creates a report.
    public init(kind: ImportKind, encoding: ImportEncoding, separator: String, rows: Int, added: Int, updated: Int,
                unchanged: Int, changes: [ImportChange], problems: [ImportProblem], written: Bool) {
        self.kind = kind
        self.encoding = encoding
        self.separator = separator
        self.rows = rows
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.changes = changes
        self.problems = problems
        self.written = written
    }
}

/// What an export holds.
public enum ExportKind: String, Sendable, Codable, CaseIterable {
    /// Units of stock (the importer's format).
    case units
    /// Families with their children (the importer's format).
    case families
    /// Loans.
    case loans
    /// Centres (the importer's format).
    case centres
}

/// The format of an export.
public enum ExportFormat: String, Sendable, Codable, CaseIterable {
    /// CSV as the importer reads it: UTF-8 with a byte-order mark, `;`, Russian headers, dd.mm.yyyy, decimal comma.
    case csv
    /// A JSON array of the records as the API gives them.
    case json
}
