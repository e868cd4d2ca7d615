/// The rules that an operator may switch, beyond loan rules.
public struct RentalPolicy: Sendable, Hashable, Codable {
    /// Whether a family with an overdue loan is refused further checkouts (default true).
    public var refuseCheckoutWhenOverdue: Bool
    /// How far in the past an administrator may backdate a checkout, in days (default 31).
    public var maxBackdateDays: Int

    /// Creates a policy.
    public init(refuseCheckoutWhenOverdue: Bool = true, maxBackdateDays: Int = 31) {
        self.refuseCheckoutWhenOverdue = refuseCheckoutWhenOverdue
        self.maxBackdateDays = maxBackdateDays
    }
}
