//! The mails of BTB, in the recipient's language (the register's language of the person;
//! French/Dutch/German/English catalogues under `btb.mail.*`). A mail that cannot be sent
//! is logged and never undoes the change it reports.

use super::Btb;
use crate::domain::{Language, NationalNumber};
use crate::web::i18n::Tr;

impl Btb {
    /// The language the register gives a person (Dutch when unknown).
    pub async fn language_of(&self, person: &NationalNumber) -> Language {
        match self.registry().find_person(person).await {
            Ok(Some(p)) => p.language,
            _ => Language::Nl,
        }
    }

    /// Sends `btb.mail.<kind>.subject` / `.body` with `args` to `to` in `lang`.
    pub async fn send_mail(&self, to: &str, lang: Language, kind: &str, args: &[(&str, &str)]) {
        let tr = Tr::new(lang);
        let subject = tr.fmt(&format!("btb.mail.{kind}.subject"), args);
        let body = tr.fmt(&format!("btb.mail.{kind}.body"), args);
        let body = format!("{body}\n\n{}/btb", self.public_url());
        if let Err(e) = self.mailer().send(to, &subject, &body).await {
            tracing::warn!(error = %e, mail.kind = kind, "a BTB mail could not be sent");
        }
    }
}
