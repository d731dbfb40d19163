//! The period a resource's data covers (`coverage_time`, free text such as "2019年至今" or
//! "2015-2024") read into DCAT-AP's `dct:PeriodOfTime` start and end. Text that names no year
//! gives no period: the export never guesses.

use chrono::NaiveDate;
use oxrdf::Literal;
use oxrdf::vocab::xsd;

/// One end of a period, as precise as the text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    Year(i32),
    YearMonth(i32, u32),
    Date(NaiveDate),
}

impl Instant {
    /// As an RDF literal: `xsd:gYear`, `xsd:gYearMonth` or `xsd:date`, as precise as the text.
    pub fn literal(self) -> Literal {
        match self {
            Instant::Year(y) => Literal::new_typed_literal(format!("{y:04}"), xsd::G_YEAR),
            Instant::YearMonth(y, m) => {
                Literal::new_typed_literal(format!("{y:04}-{m:02}"), xsd::G_YEAR_MONTH)
            }
            Instant::Date(d) => Literal::new_typed_literal(d.to_string(), xsd::DATE),
        }
    }
}

/// Start and end of a covered period; either may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

/// Words that leave the end open (至今, 以来) or the start open (截至, 以前).
const ONGOING: [&str; 4] = ["至今", "以来", "迄今", "年起"];
const UNTIL: [&str; 4] = ["截至", "截止", "以前", "之前"];

/// Reads the period a text names: one instant is that whole year, month or day (or its start
/// when ongoing, its end after 截至); two are start and end. `None` when no year is named.
pub fn coverage_period(text: &str) -> Option<Period> {
    let instants = instants(text);
    let ongoing = ONGOING.iter().any(|w| text.contains(w));
    let until = UNTIL.iter().any(|w| text.contains(w));
    match instants.as_slice() {
        [] => None,
        [one] if until => Some(Period {
            start: None,
            end: Some(*one),
        }),
        [one] if ongoing => Some(Period {
            start: Some(*one),
            end: None,
        }),
        [one] => Some(Period {
            start: Some(*one),
            end: Some(*one),
        }),
        [start, end, ..] => Some(Period {
            start: Some(*start),
            end: Some(*end),
        }),
    }
}

/// Every year (1900–2100), year-month or date in the text, in order: `2019`, `2019年3月`,
/// `2019-03`, `2019.03.15`, `2019年3月15日`.
fn instants(text: &str) -> Vec<Instant> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((year, next)) = number(&chars, i, 4, 4) else {
            i += 1;
            continue;
        };
        if !(1900..=2100).contains(&year) {
            i = next;
            continue;
        }
        let mut instant = Instant::Year(year as i32);
        let mut end = next;
        if let Some((month, after_month)) = separated(&chars, end)
            .and_then(|at| number(&chars, at, 1, 2))
            .filter(|(m, _)| (1..=12).contains(m))
        {
            instant = Instant::YearMonth(year as i32, month);
            end = skip(&chars, after_month, '月');
            if let Some((date, after_day)) = separated(&chars, after_month)
                .and_then(|at| number(&chars, at, 1, 2))
                .and_then(|(d, at)| {
                    NaiveDate::from_ymd_opt(year as i32, month, d).map(|date| (date, at))
                })
            {
                instant = Instant::Date(date);
                end = skip(&chars, after_day, '日');
            }
        }
        out.push(instant);
        i = end;
    }
    out
}

/// The digits at `at` as a number when there are `min..=max` of them and no more.
fn number(chars: &[char], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    if at > 0 && chars[at - 1].is_ascii_digit() {
        return None;
    }
    let digits = chars[at..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(min..=max).contains(&digits) {
        return None;
    }
    let value = chars[at..at + digits]
        .iter()
        .collect::<String>()
        .parse()
        .ok()?;
    Some((value, at + digits))
}

/// The position after a year/month separator (年, 月, -, ., /) at `at`, if there is one.
fn separated(chars: &[char], at: usize) -> Option<usize> {
    matches!(chars.get(at), Some('年' | '月' | '-' | '.' | '/')).then_some(at + 1)
}

fn skip(chars: &[char], at: usize, c: char) -> usize {
    if chars.get(at) == Some(&c) {
        at + 1
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Instant {
        Instant::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }

    #[test]
    fn periods_people_write() {
        let open = |s| Period {
            start: Some(s),
            end: None,
        };
        let closed = |s, e| Period {
            start: Some(s),
            end: Some(e),
        };
        assert_eq!(
            coverage_period("2019年至今"),
            Some(open(Instant::Year(2019)))
        );
        assert_eq!(
            coverage_period("2015-2024"),
            Some(closed(Instant::Year(2015), Instant::Year(2024)))
        );
        assert_eq!(
            coverage_period("2015年—2024年"),
            Some(closed(Instant::Year(2015), Instant::Year(2024)))
        );
        assert_eq!(
            coverage_period("2020年3月至2021年12月"),
            Some(closed(
                Instant::YearMonth(2020, 3),
                Instant::YearMonth(2021, 12)
            ))
        );
        assert_eq!(
            coverage_period("2020-03-15至今"),
            Some(open(ymd(2020, 3, 15)))
        );
        assert_eq!(
            coverage_period("2022年"),
            Some(closed(Instant::Year(2022), Instant::Year(2022)))
        );
        assert_eq!(
            coverage_period("截至2023年6月"),
            Some(Period {
                start: None,
                end: Some(Instant::YearMonth(2023, 6))
            })
        );
    }

    #[test]
    fn no_year_no_period() {
        assert_eq!(coverage_period("近三年"), None);
        assert_eq!(coverage_period("实时"), None);
        assert_eq!(coverage_period("12345"), None);
        assert_eq!(coverage_period("1800年"), None);
        // A month that does not exist is not read as one.
        assert_eq!(
            coverage_period("2020-13"),
            Some(Period {
                start: Some(Instant::Year(2020)),
                end: Some(Instant::Year(2020))
            })
        );
    }
}
