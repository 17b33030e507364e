//! A local emulator of the four CRM APIs for tests, benchmarks and the demo workspace.
//! The server arrives with the fakecrm issue.
