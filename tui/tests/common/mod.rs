//! What the screen tests share.

/// The screen with the line numbers of workflow code (`workflow.rs:48`, shown where
/// the code waits and in explanations) written as `:N`: snapshots stay the same when
/// the workflow code moves by a line.
pub fn stable(screen: String) -> String {
    let mut out = String::with_capacity(screen.len());
    let mut rest = screen.as_str();
    while let Some(i) = rest.find(".rs:") {
        let digits = rest[i + 4..].bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..i + 4]);
        if digits > 0 {
            out.push('N');
        }
        rest = &rest[i + 4 + digits..];
    }
    out.push_str(rest);
    out
}
