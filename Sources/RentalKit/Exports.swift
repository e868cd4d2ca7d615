// The value types, errors and roles live in RentalModel so that the wire protocol and the client can use
// them without GRDB; a service that imports RentalKit gets them too.
@_exported import RentalModel
