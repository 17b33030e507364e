//! The `Crm` trait and one client per provider. Wire types stay private to each provider module.
//! The clients arrive with the connections issue; the crate exists so the dependency direction
//! `engine -> crm -> model` holds from the start.
