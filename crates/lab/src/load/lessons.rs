//! The lesson files matched to `lab.toml`: each language's title, intro, step texts, hints and
//! summary merged into the lab, with every step present in both languages, in the same order,
//! with the same number of hints.
//!
//! Not here: reading the Markdown (`crate::lesson`).

use super::Builder;
use crate::diagnostic::SourceFile;
use crate::lesson::Lesson;
use crate::model::{Lab, Section};
use crate::text::{Lang, Localized};

impl Builder<'_> {
    pub(super) fn merge_lessons(
        &mut self,
        lab: &mut Lab,
        lessons: &[Option<(SourceFile, Lesson)>],
    ) {
        let mut summaries = Vec::new();
        for (lang, lesson) in Lang::ALL.into_iter().zip(lessons) {
            let Some((file, lesson)) = lesson else { continue };
            if lesson.title != lab.title.get(lang) {
                self.errors.push(file.at(lesson.title_offset, format!(
                    "the title differs from `title.{lang}` in lab.toml: expected `{}`, found `{}`",
                    lab.title.get(lang),
                    lesson.title
                )));
            }
            *lab.intro.get_mut(lang) = lesson.intro.clone();
            summaries.push((lang, file, lesson.summary.clone()));

            let manifest_ids: Vec<&str> = lab.steps.iter().map(|s| s.id.as_str()).collect();
            for step in &lesson.steps {
                if !manifest_ids.contains(&step.id.as_str()) {
                    self.errors.push(
                        file.at(
                            step.offset,
                            format!("step `{}` is not defined in lab.toml", step.id),
                        ),
                    );
                }
            }
            let in_both: Vec<&str> = lesson
                .steps
                .iter()
                .map(|s| s.id.as_str())
                .filter(|id| manifest_ids.contains(id))
                .collect();
            let expected: Vec<&str> =
                manifest_ids.iter().copied().filter(|id| in_both.contains(id)).collect();
            if let Some(position) = in_both.iter().zip(&expected).position(|(a, b)| a != b)
                && let Some(step) = lesson.steps.iter().find(|s| s.id == in_both[position])
            {
                self.errors.push(file.at(
                    step.offset,
                    format!(
                        "step `{}` is out of order: lab.toml has `{}` here",
                        in_both[position], expected[position]
                    ),
                ));
            }

            for step in &mut lab.steps {
                match lesson.steps.iter().find(|s| s.id == step.id) {
                    Some(text) => {
                        *step.title.get_mut(lang) = text.title.clone();
                        *step.text.get_mut(lang) = text.text.clone();
                        for (index, hint) in text.hints.iter().enumerate() {
                            if step.hints.len() <= index {
                                step.hints.push(Localized::default());
                            }
                            *step.hints[index].get_mut(lang) = hint.clone();
                        }
                    }
                    None => {
                        let span = self.step_spans.get(&step.id).cloned().unwrap_or(0..0);
                        self.error(
                            &span,
                            format!(
                                "step `{}` has no text in {}: add `<!-- awslab:step {} -->` and a \
                             `## ` heading",
                                step.id,
                                lang.lesson_file(),
                                step.id
                            ),
                        );
                    }
                }
            }
        }

        if let (Some(Some((_, ko))), Some(Some((en_file, en)))) = (lessons.first(), lessons.get(1))
        {
            for step in &lab.steps {
                let ko_step = ko.steps.iter().find(|s| s.id == step.id);
                let en_step = en.steps.iter().find(|s| s.id == step.id);
                if let (Some(ko_step), Some(en_step)) = (ko_step, en_step)
                    && ko_step.hints.len() != en_step.hints.len()
                {
                    self.errors.push(en_file.at(
                        en_step.offset,
                        format!(
                            "step `{}` has {} hint(s) in ko.md but {} in en.md: hints are revealed \
                         one at a time in either language, so both need the same number",
                            step.id,
                            ko_step.hints.len(),
                            en_step.hints.len()
                        ),
                    ));
                }
            }
        }

        match summaries.as_slice() {
            [(_, _, Some(ko)), (_, _, Some(en))] => {
                lab.summary = Some(Section {
                    title: Localized::new(&ko.title, &en.title),
                    text: Localized::new(&ko.text, &en.text),
                });
            }
            [(_, _, None), (_, _, None)] => {}
            [(_, ko_file, ko), (_, en_file, _)] => {
                let (file, missing) =
                    if ko.is_some() { (en_file, "en.md") } else { (ko_file, "ko.md") };
                let file = (*file).clone();
                let end = file.text.len();
                self.errors.push(file.at(end, format!(
                    "the summary (`<!-- awslab:summary -->`) is in one language only: add it to \
                     {missing}"
                )));
            }
            _ => {}
        }
    }
}
