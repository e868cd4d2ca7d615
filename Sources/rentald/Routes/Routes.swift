/// Every operation of the `/v1` API, by area. One list drives routing, the role check and the contract
/// tests (`rentald --routes` prints it); a new endpoint is one row in its area's file.
enum Routes {
    static let all: [Route] = health + centres + catalogue + units + families + rules + loans + reservations
        + holds + (notices + backups + audit + papers + registers + reports).map { $0.runningOffLoop() }
}
