// Clients of the protocol see the shared value types and errors.
@_exported import RentalModel
