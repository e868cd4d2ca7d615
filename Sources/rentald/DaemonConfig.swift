import Logging
import RentalKit

/// Everything `rentald.conf` can say. Values not in the file keep these defaults.
struct DaemonConfig: Sendable, Equatable {
    /// Where the store lives (`[daemon] state_directory`).
    var stateDirectory: String?
    /// The socket to bind when systemd passes none (`[daemon] socket`).
    var socketPath: String?
    /// File mode of a socket the daemon binds itself (`[daemon] socket_mode`, octal).
    var socketMode: UInt32 = 0o660
    /// Group of a socket the daemon binds itself (`[daemon] socket_group`).
    var socketGroup: String?
    /// Where hot backups are written (`[daemon] backup_directory`; default: `backups` in the state
    /// directory). Clients name only the file.
    var backupDirectory: String?
    /// Least severe level logged (`[daemon] log_level`).
    var logLevel: Logger.Level = .info
    /// Durability (`[store] synchronous`: full or normal).
    var synchronous: RentalStore.Synchronous = .full
    /// Whether concurrent writes share one commit (`[store] group_commit`: yes or no).
    var groupCommit = true
    /// Busy timeout in seconds (`[store] busy_timeout_seconds`).
    var busyTimeoutSeconds: Double = 5
    /// Request limits (`[limits]`).
    var limits = Limits()
    /// Switchable rules (`[policy]`).
    var policy = RentalPolicy()
    /// Who gets which role (`[access]`).
    var access = AccessRules()
    /// Overdue notices (`[notices]`).
    var notices = Notices()
    /// Papers and labels (`[documents]`).
    var documents = Documents()
    /// Display names of staff on papers, by Unix user name (`[staff]`).
    var staffNames: [String: String] = [:]

    /// The `[documents]` section.
    struct Documents: Sendable, Equatable {
        /// The administrator's templates, which win over the shipped ones (`templates`).
        var templateDirectory = PaperConfig.systemTemplateDirectory
        /// Copies of each loan document per print, 1 or 2 (`copies`).
        var copies = 1
        /// Label sheet grid (`label_grid = 3x8`).
        var labelColumns = 3
        /// See ``labelColumns``.
        var labelRows = 8
        /// What a label's QR code encodes: nil for the inventory number, else a URL with `{number}`
        /// (`label_url`).
        var labelURL: String?
        /// The organisation every centre belongs to (`organisation`).
        var organisation = ""
        /// Per centre: `organisation.CODE`, `address.CODE`, `head.CODE`.
        var centres: [String: CentreFacts] = [:]
        /// The line of each per-centre key, for naming a centre the store does not have.
        var centreKeyLines: [String: Int] = [:]
    }

    /// What papers say about one centre beyond the store.
    struct CentreFacts: Sendable, Equatable {
        var organisation: String?
        var address = ""
        var head = ""
    }

    /// Personal data (`[privacy]`).
    var privacy = Privacy()

    /// The `[privacy]` section.
    struct Privacy: Sendable, Equatable {
        /// A family with nothing open and no activity for this long is anonymised by the daily run
        /// (`anonymise_after = 3y`; `18m`, `400d` also; `never` turns the run off).
        var anonymiseAfter: RetentionPeriod? = .threeYears
        /// `keep_backups`: how long backups and the copies kept before a migration or a restore are kept
        /// (`90d`, `1y`, …; `never` deletes none). Unset: as long as `anonymise_after`, so that no backup keeps
        /// a family's details longer than the store does.
        var keepBackupsSetting: KeepBackups = .asAnonymisation

        /// What `keep_backups` says.
        enum KeepBackups: Sendable, Equatable {
            case asAnonymisation, forever, period(RetentionPeriod)
        }

        /// The period after which backups are deleted, nil to keep them.
        var keepBackups: RetentionPeriod? {
            switch keepBackupsSetting {
            case .asAnonymisation: anonymiseAfter
            case .forever: nil
            case .period(let period): period
            }
        }
    }

    /// The `[notices]` section.
    struct Notices: Sendable, Equatable {
        /// Whether the daemon scans at all (`enabled`).
        var enabled = true
        /// Local times of day, in each centre's zone, at which it scans (`times = 08:00, 14:00`).
        var times: [LocalTime] = [LocalTime(hour: 8, minute: 0)]
        /// When the stages are reached (`due_soon_days`, `overdue_days`, `escalated_days`, `final_days`).
        var schedule = NoticeSchedule()
        /// At most this many notices per second to the journal (`max_per_second`).
        var maxPerSecond = 2000
    }

    /// The `[limits]` section.
    struct Limits: Sendable, Equatable {
        /// Largest request body accepted (`max_body_bytes`).
        var maxBodyBytes = 1 << 20
        /// Largest CSV register accepted by `POST /v1/imports/{kind}` (`max_import_bytes`): 100,000 units
        /// are about 8 MB, so the import route has a limit of its own.
        var maxImportBytes = 64 << 20
        /// Connections served at once; more get 503 (`max_connections`).
        var maxConnections = 128
        /// A connection idle this long is closed (`idle_timeout_seconds`).
        var idleTimeoutSeconds = 30
    }
}

/// A Unix user or group named in `[access]`.
enum Subject: Sendable, Hashable, CustomStringConvertible {
    case user(String)
    case group(String)

    var description: String {
        switch self {
        case .user(let name): "user:\(name)"
        case .group(let name): "group:\(name)"
        }
    }
}

/// The `[access]` section: Unix users and groups → roles. root and the daemon's own user are always admin.
struct AccessRules: Sendable, Equatable {
    /// `admin = …`
    var admins: [Subject] = []
    /// `read_only = …`
    var readOnly: [Subject] = []
    /// `staff.CENTRE = …`, by centre code.
    var staff: [String: [Subject]] = [:]
    /// Line numbers of the `staff.CENTRE` keys, to report unknown centres where they are written.
    var staffLines: [String: Int] = [:]

    /// The role of a peer, or nil when it has none.
    func role(user: String, groups: Set<String>) -> Principal.Role? {
        func matches(_ subjects: [Subject]) -> Bool {
            subjects.contains { subject in
                switch subject {
                case .user(let name): name == user
                case .group(let name): groups.contains(name)
                }
            }
        }
        if matches(admins) { return .admin }
        let centres = Set(staff.filter { matches($0.value) }.keys)
        if !centres.isEmpty { return .staff(centres: centres) }
        if matches(readOnly) { return .readOnly }
        return nil
    }
}
