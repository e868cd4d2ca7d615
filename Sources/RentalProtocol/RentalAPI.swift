import RentalModel

/// Facts about the socket API that the daemon and every client share.
public enum RentalAPI {
    /// The API version; paths start with `/v1`.
    public static let version = 1
    /// The path prefix of this version.
    public static let basePath = "/v1"
    /// The header that makes a creating POST safe to retry.
    public static let idempotencyKeyHeader = "Idempotency-Key"
    /// The media type of problem bodies (RFC 9457).
    public static let problemMediaType = "application/problem+json"
}

/// Default locations, kept in one place for the daemon, the CLI and the documentation.
public enum RentalPaths {
    /// The socket systemd listens on and the daemon serves (`rentald.socket`).
    public static let systemSocket = "/run/rentald/rentald.sock"
    /// The daemon's configuration file.
    public static let systemConfig = "/etc/rentald/rentald.conf"
    /// The daemon's state directory when systemd does not set `STATE_DIRECTORY`.
    public static let systemStateDirectory = "/var/lib/rentald"
    /// The development directory, under the working directory, used when the daemon runs without root
    /// and without a configuration file (`swift run rentald --demo`).
    public static let developmentDirectory = ".rentald"
    /// The store file name inside the state directory.
    public static let storeFileName = "rental.sqlite"
    /// The socket file name inside the development directory.
    public static let socketFileName = "rentald.sock"
    /// The environment variable that names the socket for clients.
    public static let socketEnvironmentVariable = "RENTALD_SOCKET"

    /// The socket a client should use: `explicit`, else `$RENTALD_SOCKET`, else the system socket if it
    /// exists, else a development daemon's socket under the working directory if that exists, else the
    /// system socket (so that the error names the path an administrator expects).
    public static func clientSocket(explicit: String?, environment: [String: String],
                                    exists: (String) -> Bool) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[socketEnvironmentVariable], !fromEnvironment.isEmpty { return fromEnvironment }
        if exists(systemSocket) { return systemSocket }
        let development = developmentDirectory + "/" + socketFileName
        return exists(development) ? development : systemSocket
    }
}

extension RentalError.Code {
    /// The HTTP status a problem with this code is sent with.
    public var httpStatus: Int {
        switch self {
        case .invalidInput, .idempotencyKeyReused: 422
        case .malformedRequest: 400
        case .forbidden: 403
        case .centreNotFound, .itemTypeNotFound, .unitNotFound, .familyNotFound, .loanNotFound,
             .reservationNotFound, .ruleNotFound, .routeNotFound: 404
        case .methodNotAllowed: 405
        case .alreadyExists, .familyNotActive, .lowIncomeExpired, .consentMissing, .loanLimitReached,
             .categoryLimitReached, .familyHasOverdue, .noEligibleChild, .unitNotAvailable, .unitNotAtCentre,
             .itemTypeRecalled, .safetyCheckDue, .noLoanRule, .loanClosed, .renewalLimitReached,
             .renewalBlockedByReservations, .invalidTransition, .centreNeverOpen, .alreadyReserved, .scanInProgress,
             .unitHeldForAnother, .reservationLimitReached, .recallSafetyCheckMissing: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .storageFull: 507
        case .storageBusy, .serviceUnavailable: 503
        case .storageReadOnly, .storageCorrupt, .storageFailure, .daemonUnreachable, .protocolError, .sshFailed: 500
        }
    }
}

/// The release of the daemon, the CLI and the libraries.
public enum RentalVersion {
    /// Semantic version.
    public static let current = "0.1.0"
}
