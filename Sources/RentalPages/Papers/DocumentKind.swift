/// The papers rentald prints, each from a template of the same name (`contract.mustache`, …).
public enum DocumentKind: String, Sendable, CaseIterable, Codable {
    /// The loan-for-use agreement (договор безвозмездного пользования).
    case contract
    /// The act of hand-over at checkout (акт приёма-передачи).
    case handover
    /// The act of return: the condition the unit came back in (акт возврата).
    case `return`
    /// A family's loan history, for its file (карточка семьи).
    case card
    /// An A4 sheet of inventory labels with QR codes.
    case labels

    /// The documents printed for one loan.
    public static let loanDocuments: [DocumentKind] = [.contract, .handover, .return]

    /// The template file's name.
    public var fileName: String { rawValue + ".mustache" }
}
