import Foundation

/// What `rental-bench run` measures, and how much.
struct BenchOptions: Sendable {
    /// Small sizes and short runs (CI).
    var quick = false
    /// The release `rentald`.
    var rentald = ""
    /// The release `rentalctl`.
    var rentalctl = ""
    /// `curl`.
    var curl = "/usr/bin/curl"
    /// A fresh directory for stores, sockets and logs.
    var work = ""
    /// The TSV file rows are appended to.
    var rows = ""
    /// `auto`: measure with group commit off and on when rentald accepts `[store] group_commit`, else only
    /// its default; `off`: never pass the key.
    var groupCommit = "auto"
    /// Figures to run (all when empty): checkout, socket, overdue, reports, oneshot, memory, startup, json, holds.
    var only: Set<String> = []

    /// Seconds each socket checkout configuration runs.
    var checkoutSeconds: Double { quick ? 1 : 5 }
    /// Seconds each raw-socket or read configuration runs.
    var socketSeconds: Double { quick ? 0.5 : 3 }
    /// Units (and so checkouts at most) in each circulation store.
    var units: Int { quick ? 20_000 : 100_000 }
    /// Loans in the overdue store.
    var overdueLoans: Int { quick ? 100_000 : 1_000_000 }
    /// Open loans in it.
    var openLoans: Int { quick ? 10_000 : 100_000 }
    /// Overdue loans in it.
    var overdueCount: Int { quick ? 5_000 : 50_000 }
    /// Runs of each report statement (median reported).
    var repeats: Int { quick ? 3 : 5 }
    /// Rounds of the overdue listings, each way once a round (median reported).
    var overdueRounds: Int { quick ? 3 : 9 }
    /// Runs of each one-shot command.
    var oneShotRuns: Int { quick ? 30 : 200 }
    /// Daemon starts on the overdue store.
    var startupRuns: Int { quick ? 3 : 7 }
    /// Client counts for the socket figures.
    let clientCounts = [1, 8, 32]

    /// Whether figure `name` runs.
    func runs(_ name: String) -> Bool { only.isEmpty || only.contains(name) }

    /// Parses `run` arguments.
    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var iterator = arguments.makeIterator()
        func value(_ name: String) throws -> String {
            guard let value = iterator.next(), !value.isEmpty else { throw BenchError("\(name) needs a value") }
            return value
        }
        while let argument = iterator.next() {
            switch argument {
            case "--quick": options.quick = true
            case "--rentald": options.rentald = try value(argument)
            case "--rentalctl": options.rentalctl = try value(argument)
            case "--curl": options.curl = try value(argument)
            case "--work": options.work = try value(argument)
            case "--rows": options.rows = try value(argument)
            case "--group-commit":
                options.groupCommit = try value(argument)
                guard ["auto", "off"].contains(options.groupCommit) else { throw BenchError("--group-commit is auto or off") }
            case "--only": options.only = Set(try value(argument).split(separator: ",").map(String.init))
            default: throw BenchError("unknown option \(argument)")
            }
        }
        for (name, path) in [("--rentald", options.rentald), ("--rentalctl", options.rentalctl), ("--curl", options.curl)] {
            guard FileManager.default.isExecutableFile(atPath: path) else { throw BenchError("\(name): \(path) is not an executable") }
        }
        guard !options.work.isEmpty, !options.rows.isEmpty else { throw BenchError("--work and --rows are required") }
        return options
    }
}
