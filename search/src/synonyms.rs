//! Synonyms and abbreviations (社保 ↔ 社会保险, 发改委 ↔ 发展和改革委员会): a reviewed table shipped
//! as `search/data/synonyms.txt`, replaceable by the deployment (`SearchIndex::set_synonyms`)
//! without rebuilding the index: a query word of a group also matches the group's other forms,
//! scored below the form that was typed.

use std::collections::HashMap;

use crate::SearchError;
use crate::text::fold;

/// The table Mulu ships.
pub const BUILTIN: &str = include_str!("../data/synonyms.txt");

/// Groups of forms that find each other, each form folded as queries are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    group_of: HashMap<String, usize>,
}

impl Synonyms {
    /// One group per line (forms separated by spaces, commas or 、), `#` starts a comment. A
    /// form in two groups, or a group of one, is refused with its line number.
    pub fn parse(text: &str) -> Result<Self, SearchError> {
        let mut table = Synonyms::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default();
            let forms: Vec<String> = line
                .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、'))
                .map(|f| fold(f.trim()))
                .filter(|f| !f.is_empty())
                .collect();
            if forms.is_empty() {
                continue;
            }
            let invalid = |message: String| SearchError::InvalidRequest {
                field: "synonyms".into(),
                message: format!("同义词表第 {} 行：{message}", n + 1),
            };
            if forms.len() < 2 {
                return Err(invalid("一组至少要有两种写法".into()));
            }
            let group = table.groups.len();
            for form in &forms {
                if table.group_of.insert(form.clone(), group).is_some() {
                    return Err(invalid(format!("“{form}”已在前面的组中")));
                }
            }
            table.groups.push(forms);
        }
        Ok(table)
    }

    pub fn builtin() -> Self {
        Self::parse(BUILTIN).expect("the shipped synonym table is valid")
    }

    /// The other forms of the group a (folded) word belongs to.
    pub fn others<'a>(&'a self, word: &'a str) -> impl Iterator<Item = &'a str> {
        self.group_of
            .get(word)
            .into_iter()
            .flat_map(|g| &self.groups[*g])
            .map(String::as_str)
            .filter(move |form| *form != word)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_find_each_other() {
        let table = Synonyms::builtin();
        assert!(table.len() > 40);
        assert_eq!(
            table.others("社保").collect::<Vec<_>>(),
            ["社会保险", "社会保障"]
        );
        assert!(table.others("社会保险").any(|f| f == "社保"));
        // Folded as queries are: upper case and traditional forms are the same form.
        assert!(table.others("gdp").any(|f| f == "国内生产总值"));
        assert_eq!(table.others("天气").count(), 0);
    }

    #[test]
    fn a_bad_table_says_where() {
        let err = Synonyms::parse("社保 社会保险\n# 注释\n医保\n").unwrap_err();
        assert!(err.to_string().contains("第 3 行"), "{err}");
        let err = Synonyms::parse("社保 社会保险\n社保 社会保障\n").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
        assert!(Synonyms::parse("社保，社会保险、社会保障\n").is_ok());
    }
}
