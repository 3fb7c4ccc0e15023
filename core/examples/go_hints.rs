//! Writes the Go track's hints as one Go file, a function per chapter, for `go build`
//! to type-check against the Cadence Go client (scripts/ci.sh; what the hints take
//! from the participant's workflow is declared in cadence-dev/hintcheck/stubs.go).
//!
//!     cargo run -p postflow-core --example go_hints > cadence-dev/hintcheck/hints.go

use postflow_core::workshop::GUIDES;

fn main() {
    println!("// Written by `cargo run -p postflow-core --example go_hints`: not to be edited.");
    println!("package hintcheck\n");
    println!(
        "import (\n\t\"fmt\"\n\t\"time\"\n\n\t\"go.uber.org/cadence\"\n\t\"go.uber.org/cadence/activity\"\n\t\"go.uber.org/cadence/workflow\"\n)\n"
    );
    // A hint need not use every import.
    println!("var _, _, _, _ = fmt.Sprint, time.Second, cadence.RetryPolicy{{}}, activity.RegisterOptions{{}}\n");
    for g in &GUIDES {
        for (i, h) in g.hints.iter().enumerate().filter(|(_, h)| !h.go.is_empty()) {
            let name = format!("chapter{}Hint{}", g.number, i + 1);
            let code = h.go.replace("\n\n", "\n");
            // A hint that begins with a field name is fields of the activity options
            // (chapter 2's retry policy); the others are statements.
            if code.split_once(':').is_some_and(|(field, _)| field.chars().all(|c| c.is_ascii_alphanumeric())) {
                println!("var _ = workflow.ActivityOptions{{\n{code}\n}}\n\nfunc {name}() {{}}\n");
            } else {
                println!("func {name}(ctx workflow.Context) (string, error) {{\n{code}\n\treturn \"\", nil\n}}\n");
            }
        }
    }
}
