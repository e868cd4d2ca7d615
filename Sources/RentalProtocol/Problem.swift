import RentalModel

/// An error body, `application/problem+json` (RFC 9457), with RentalKit's stable `code`.
public struct Problem: Codable, Sendable, Hashable {
    /// `urn:rentalkit:problem:<code>`.
    public var type: String
    /// A short summary of the kind of problem (the code in words).
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// What went wrong in this case; never personal data.
    public var detail: String
    /// The stable machine-readable code.
    public var code: String

    /// The problem body for an error.
    public init(_ error: RentalError) {
        type = "urn:rentalkit:problem:" + error.code.rawValue
        title = PlainText.replacing("_", with: " ", in: error.code.rawValue)
        status = error.code.httpStatus
        detail = error.message
        code = error.code.rawValue
    }

    /// The error this problem describes; an unknown code becomes ``RentalError/Code/protocolError``.
    public var error: RentalError {
        RentalError(RentalError.Code(rawValue: code) ?? .protocolError, detail)
    }
}
