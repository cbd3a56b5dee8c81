//! Entry point of the browser app: install the panic hook, then mount [`castboard_app::App`]
//! on `<body>`. Everything else lives in the library crate.

fn main() {
    // A panic in wasm is otherwise an opaque "unreachable" trap; this logs the message
    // and location to the browser console instead.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(castboard_app::App);
}
