//! `crm-bridge create-field`: a custom field in a connection's CRM, so a mapping can fill it.

use bridge_engine::Engine;
use bridge_model::{ConnectionId, FieldType, NewField, ObjectType};

use crate::json;

#[derive(clap::Args)]
pub struct Create {
    /// The connection whose CRM gets the field.
    #[arg(long)]
    connection: i64,
    /// company, person or deal.
    #[arg(long)]
    object: ObjectType,
    /// The field's label (the CRM derives its key from it).
    #[arg(long, required_unless_present = "like")]
    label: Option<String>,
    /// text, long_text, number, date, date_time, checkbox or picklist.
    #[arg(long, value_parser = parse_type, default_value = "text")]
    r#type: FieldType,
    /// A picklist's option (repeat for each).
    #[arg(long = "option")]
    options: Vec<String>,
    /// Create it like this custom field (`custom.KEY`) of another connection: its label, type and
    /// options (`--like-connection`).
    #[arg(long, requires = "like_connection")]
    like: Option<String>,
    #[arg(long)]
    like_connection: Option<i64>,
    #[arg(long)]
    json: bool,
}

fn parse_type(text: &str) -> Result<FieldType, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        format!("`{text}` is not text, long_text, number, date, date_time, checkbox or picklist")
    })
}

pub async fn create(engine: &Engine, args: Create) -> bridge_engine::Result<()> {
    let field = match (&args.like, args.like_connection) {
        (Some(like), Some(from)) => {
            let mut field = engine
                .new_field_like(ConnectionId(from), args.object, like)
                .await?;
            if let Some(label) = &args.label {
                field.label = label.clone();
            }
            field
        }
        _ => NewField {
            label: args.label.clone().unwrap_or_default(),
            field_type: args.r#type,
            options: args.options.clone(),
        },
    };
    let created = engine
        .create_field(ConnectionId(args.connection), args.object, &field)
        .await?;
    if args.json {
        println!("{}", json(&created));
    } else {
        println!(
            "{} field “{}” is `{}` ({}); map to it by that name.",
            args.object, created.label, created.name, created.crm_type
        );
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct Mirrored {
    /// The connection whose mirror it is.
    #[arg(long)]
    connection: i64,
    /// The object type to choose for (with `--only` or `--all`).
    #[arg(long)]
    object: Option<ObjectType>,
    /// Mirror only these fields (the keys listed; repeat or comma-separate; none: no custom field
    /// but those a mapping or sync pair needs). A standard field marked `standard` in the list
    /// (HubSpot, Salesforce) is mirrored once named here.
    #[arg(long, value_delimiter = ',', num_args = 0.., requires = "object", conflicts_with = "all")]
    only: Option<Vec<String>>,
    /// Mirror every custom field again (new ones too).
    #[arg(long, requires = "object")]
    all: bool,
    #[arg(long)]
    json: bool,
}

/// `crm-bridge mirrored-fields`: lists, per object type, the custom fields and which are mirrored;
/// with `--object` and `--only`/`--all`, chooses.
pub async fn mirrored(engine: &Engine, args: Mirrored) -> bridge_engine::Result<()> {
    let connection = ConnectionId(args.connection);
    if let Some(t) = args.object
        && (args.all || args.only.is_some())
    {
        let keys = if args.all { None } else { args.only.clone() };
        match engine.choose_mirrored_fields(connection, t, keys)? {
            Some(k) => println!(
                "Mirroring {} field{} of {t}{}{}. A pull reads only these from now on.",
                k.len(),
                if k.len() == 1 { "" } else { "s" },
                if k.is_empty() { "" } else { ": " },
                k.join(", ")
            ),
            None => println!("Mirroring every custom field of {t}, new ones too."),
        }
        return Ok(());
    }
    let objects = engine.mirrored_fields(connection).await?;
    if args.json {
        println!("{}", json(&objects));
        return Ok(());
    }
    for o in objects
        .iter()
        .filter(|o| args.object.is_none_or(|t| t == o.object_type))
    {
        println!(
            "{} ({}):",
            o.object_type,
            if o.all {
                "every custom field"
            } else {
                "chosen"
            }
        );
        if o.fields.is_empty() {
            println!("  no custom fields");
        }
        for f in &o.fields {
            println!(
                "  [{}] {:<30} {}{}{}",
                if f.mirrored { "x" } else { " " },
                f.key,
                f.label,
                if f.standard { "  (standard)" } else { "" },
                f.needed_by
                    .as_deref()
                    .map(|n| format!("  (needed by {n})"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(())
}
