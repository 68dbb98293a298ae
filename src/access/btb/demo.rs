//! Demo data (demo mode only, at every start, idempotent): KLINIEK EN MATERNITEIT ST
//! REMBERTUS registered with Marie Dubois as head access manager and Emma Wouters as access
//! manager for Gezondheidszorg (health care); IATREION BV left unregistered for Jan Peeters
//! to walk the standard procedure; Vereniging Hoge Venen left for the exception procedure
//! (its only representative, Thomas Lambert, has no eID).

use super::capability::demo_decisions;
use super::{Btb, BtbError};
use crate::domain::{EnterpriseNumber, NationalNumber};
use crate::store::btb::{Designated, HeadDesignation};

const CLINIC: &str = "0410561210";
const MARIE: &str = "65062108414";
const EMMA: &str = "03021716216";
const HEALTH_CARE: &str = "health_care";

impl Btb {
    /// Registers the demo clinic unless it is registered already.
    pub async fn seed_demo(&self) -> Result<(), BtbError> {
        let (Ok(clinic), Ok(marie), Ok(emma)) =
            (EnterpriseNumber::parse(CLINIC), NationalNumber::parse(MARIE), NationalNumber::parse(EMMA))
        else {
            return Ok(());
        };
        if self.store().find_btb_enterprise(&clinic).await?.is_some()
            || self.registry().find_enterprise(&clinic).await?.is_none()
        {
            return Ok(());
        }
        let (designate, manage) = demo_decisions(&clinic, HEALTH_CARE);
        let designation = HeadDesignation {
            head: &marie,
            head_email: "marie.dubois@rembertus.example",
            head_phone: "+32 50 11 22 33",
            enterprise_email: "directie@rembertus.example",
            procedure: "standard",
            replaces: None,
            detail: serde_json::json!({ "demo": true }),
        };
        if let Designated::Done { .. } = self.store().designate_head(&designate, &designation).await? {
            self.store().add_access_manager(&manage, &emma).await?;
            self.store().set_btb_domain_email(&manage, "zorg@rembertus.example").await?;
            tracing::info!("demo: the clinic is registered in BTB (Marie Dubois head access manager)");
        }
        Ok(())
    }
}
