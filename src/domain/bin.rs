//! The Kazakh business identification number (BIN, БИН): 12 digits, the last a
//! check digit computed with two weight sequences.

/// Whether `bin` is 12 digits with a valid check digit.
pub fn is_valid_bin(bin: &str) -> bool {
    let digits: Vec<u32> = bin.chars().filter_map(|c| c.to_digit(10)).collect();
    if bin.len() != 12 || digits.len() != 12 {
        return false;
    }
    let weighted =
        |weights: [u32; 11]| digits[..11].iter().zip(weights).map(|(digit, weight)| digit * weight).sum::<u32>() % 11;
    let mut check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if check == 10 {
        check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    }
    check != 10 && check == digits[11]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_are_verified() {
        // Weights 1..11 over 04114000123 give 97, and 97 % 11 = 9.
        assert!(is_valid_bin("041140001239"));
        assert!(!is_valid_bin("041140001231"));
        assert!(!is_valid_bin("04114000123"));
        assert!(!is_valid_bin("0411400012310"));
        assert!(!is_valid_bin("04114000123a"));
        assert!(!is_valid_bin("٠٤١١٤٠٠٠١٢٣٩"), "ASCII digits only");
        assert!(!is_valid_bin("+41140001231"));
    }
}
