//! rfc8785-jcs.json: RFC 8785 examples (canonical text and bytes) and ES6 number samples.

use super::{Ctx, R, arr, s};
use serde_json::Value;
use wastetrail_ledger::jcs::{canonicalize, canonicalize_str};

fn cases(v: &Value, ctx: &mut Ctx) -> R<()> {
    for c in arr(v, "cases")? {
        ctx.vector();
        let name = s(c, "name")?;
        let got = canonicalize_str(s(c, "input")?).map_err(|e| format!("{name}: {e}"))?;
        ctx.eq(
            String::from_utf8_lossy(&got).into_owned(),
            s(c, "output")?.to_owned(),
            &format!("{name}: canonical text"),
        );
        let want_bytes = s(c, "outhex")?
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).map_err(|e| format!("{name} outhex: {e}")))
            .collect::<R<Vec<u8>>>()?;
        ctx.eq(got, want_bytes, &format!("{name}: canonical bytes"));
    }
    Ok(())
}

fn numbers(v: &Value, ctx: &mut Ctx) -> R<()> {
    for n in arr(v, "numbers")? {
        ctx.vector();
        let bits = u64::from_str_radix(s(n, "ieee_hex")?, 16).map_err(|e| e.to_string())?;
        let x = f64::from_bits(bits);
        let value = serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or("non-finite")?;
        let got = canonicalize(&value).map_err(|e| e.to_string())?;
        ctx.eq(
            String::from_utf8_lossy(&got).into_owned(),
            s(n, "expected")?.to_owned(),
            &format!("number {bits:016x}"),
        );
    }
    Ok(())
}

pub fn check(v: &Value, ctx: &mut Ctx) {
    ctx.run("cases", |ctx| cases(v, ctx));
    ctx.run("numbers", |ctx| numbers(v, ctx));
}
