import RentalModel

/// A page of a list. `next` is the cursor to pass as `after` for the following page, absent on the last.
public struct Page<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The items.
    public var items: [Item]
    /// The cursor of the next page.
    public var next: String?

    /// Creates a page.
    public init(items: [Item], next: String? = nil) {
        self.items = items
        self.next = next
    }
}

/// `GET /v1/health`.
public struct Health: Codable, Sendable, Hashable {
    /// `ok` when the store answers.
    public var status: String
    /// The daemon's version.
    public var version: String
    /// The API version.
    public var apiVersion: Int
    /// Seconds since the daemon started.
    public var uptimeSeconds: Int
    /// Who the daemon thinks is asking.
    public var caller: String
    /// The caller's role: `admin`, `staff`, `read-only`, or `none` when the configuration gives it none.
    public var role: String
    /// Counts; absent for a caller with no role.
    public var summary: StoreSummary?

    /// Whether the configuration gives the caller no role.
    public var hasNoRole: Bool { role == "none" }

    /// Creates a value.
    public init(status: String, version: String, apiVersion: Int, uptimeSeconds: Int, caller: String, role: String,
                summary: StoreSummary?) {
        self.status = status
        self.version = version
        self.apiVersion = apiVersion
        self.uptimeSeconds = uptimeSeconds
        self.caller = caller
        self.role = role
        self.summary = summary
    }
}
