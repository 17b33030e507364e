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
