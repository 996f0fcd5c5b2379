//! "Near me": a point, a radius, the box that holds the circle, and the
//! great-circle distance.

/// Mean earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;
/// The radius when `radius_km` is not given, and the largest allowed.
pub const DEFAULT_RADIUS_KM: f64 = 10.0;
pub const MAX_RADIUS_KM: f64 = 200.0;

/// A `near=<lat>,<lng>&radius_km=` filter, parsed and checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub lat: f64,
    pub lng: f64,
    pub radius_km: f64,
}

/// The query parameter at fault and why.
#[derive(Debug, PartialEq)]
pub struct NearError {
    pub field: &'static str,
    pub message: String,
    /// Well formed, but outside the allowed range.
    pub out_of_range: bool,
}

impl Near {
    /// Reads `near` (`<lat>,<lng>` in decimal degrees) and `radius_km` (km,
    /// above 0, at most 200; 10 when absent).
    pub fn parse(near: &str, radius_km: Option<f64>) -> Result<Self, NearError> {
        let bad = |message: &str| NearError { field: "query.near", message: message.to_owned(), out_of_range: false };
        let (lat, lng) = near.split_once(',').ok_or_else(|| bad("near is <latitude>,<longitude>"))?;
        let (Ok(lat), Ok(lng)) = (lat.trim().parse::<f64>(), lng.trim().parse::<f64>()) else {
            return Err(bad("near is <latitude>,<longitude> in decimal degrees"));
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
            return Err(NearError { out_of_range: true, ..bad("latitude within -90..90, longitude within -180..180") });
        }
        let radius_km = radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        if !(radius_km > 0.0 && radius_km <= MAX_RADIUS_KM) {
            return Err(NearError {
                field: "query.radius_km",
                message: format!("radius_km above 0 and at most {MAX_RADIUS_KM}"),
                out_of_range: true,
            });
        }
        Ok(Self { lat, lng, radius_km })
    }

    /// The latitude range, and the longitude range when one holds the circle
    /// (none near a pole or across the antimeridian: then only latitude bounds),
    /// slightly widened so that rounding never cuts a point inside the radius.
    pub fn bounding_box(&self) -> ((f64, f64), Option<(f64, f64)>) {
        let km_per_degree = EARTH_RADIUS_KM.to_radians();
        let dlat = self.radius_km / km_per_degree * 1.001;
        let lats = (self.lat - dlat, self.lat + dlat);
        let widest = lats.0.abs().max(lats.1.abs());
        if widest >= 89.0 {
            return (lats, None);
        }
        let dlng = self.radius_km / (km_per_degree * widest.to_radians().cos()) * 1.001;
        let lngs = (self.lng - dlng, self.lng + dlng);
        (lats, (lngs.0 >= -180.0 && lngs.1 <= 180.0).then_some(lngs))
    }
}

/// The great-circle (haversine) distance in km.
pub fn haversine_km(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let dphi = (lat2 - lat1).to_radians();
    let dlambda = (lng2 - lng1).to_radians();
    let a = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astana_to_almaty_is_about_970_km() {
        let km = haversine_km(51.1694, 71.4491, 43.2220, 76.8512);
        assert!((km - 970.0).abs() < 10.0, "{km}");
    }

    #[test]
    fn the_box_holds_the_circle() {
        let near = Near::parse("51.17,71.45", Some(200.0)).unwrap_or_else(|err| panic!("{err:?}"));
        let ((south, north), lngs) = near.bounding_box();
        let (west, east) = lngs.unwrap_or((-180.0, 180.0));
        for bearing in 0..360 {
            let b = f64::from(bearing).to_radians();
            // A point 199.9 km away along the bearing (small-angle step is fine to check the box).
            let (lat, lng) =
                (51.17 + 199.9 / 111.195 * b.cos(), 71.45 + 199.9 / (111.195 * 51.17_f64.to_radians().cos()) * b.sin());
            if haversine_km(51.17, 71.45, lat, lng) <= 200.0 {
                assert!(lat >= south && lat <= north && lng >= west && lng <= east, "{lat},{lng}");
            }
        }
    }

    #[test]
    fn bad_values_name_their_parameter() {
        assert_eq!(Near::parse("91,0", None).map_err(|e| e.field), Err("query.near"));
        assert_eq!(Near::parse("abc", None).map_err(|e| e.field), Err("query.near"));
        assert_eq!(Near::parse("51,71", Some(0.0)).map_err(|e| e.field), Err("query.radius_km"));
        assert_eq!(Near::parse("51,71", Some(201.0)).map_err(|e| e.field), Err("query.radius_km"));
        assert_eq!(Near::parse("51,71", None).map(|near| near.radius_km), Ok(10.0));
    }
}
