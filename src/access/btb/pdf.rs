//! The exception procedure's request document (seed 000 §II, seed 001 steps 8–10): a PDF
//! with the ticket, every field, the activation terms and a signature zone for the legal
//! representative, written with `pdf-writer` in the built-in Helvetica (no font files,
//! uncompressed text, so tests can read it back). Latin-1 text is written in
//! WinAnsiEncoding; a character outside it becomes `?`.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// One line of the document: a heading, a label with its value, or plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Title(String),
    Heading(String),
    Field(String, String),
    Text(String),
    /// The box the legal representative signs in (eID signature or by hand).
    SignatureZone(String),
}

/// Latin-1 / WinAnsi bytes of `text` (`?` for anything else).
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(|c| if (c as u32) < 0x100 && !c.is_control() { c as u32 as u8 } else { b'?' }).collect()
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// Renders the lines on A4 pages.
pub fn render(lines: &[Line]) -> Vec<u8> {
    let regular = Name(b"F1");
    let bold = Name(b"F2");
    let mut pages: Vec<Content> = vec![Content::new()];
    let mut y = PAGE_H - MARGIN;
    let write = |pages: &mut Vec<Content>, y: &mut f32, font: Name<'_>, size: f32, x: f32, text: &str| {
        if *y < MARGIN + size {
            pages.push(Content::new());
            *y = PAGE_H - MARGIN;
        }
        let content = pages.last_mut().expect("a page");
        content.begin_text();
        content.set_font(font, size);
        content.next_line(x, *y);
        content.show(Str(&win_ansi(text)));
        content.end_text();
        *y -= size * 1.45;
    };
    for line in lines {
        match line {
            Line::Title(t) => {
                write(&mut pages, &mut y, bold, 16.0, MARGIN, t);
                y -= 6.0;
            }
            Line::Heading(t) => {
                y -= 8.0;
                write(&mut pages, &mut y, bold, 12.0, MARGIN, t);
            }
            Line::Field(label, value) => {
                let first = wrap(value, 60);
                for (i, part) in first.iter().enumerate() {
                    if i == 0 {
                        let yy = y;
                        write(&mut pages, &mut y, regular, 10.0, MARGIN, &format!("{label}:"));
                        y = yy;
                    }
                    write(&mut pages, &mut y, regular, 10.0, MARGIN + 190.0, part);
                }
                if first.is_empty() {
                    write(&mut pages, &mut y, regular, 10.0, MARGIN, &format!("{label}: -"));
                }
            }
            Line::Text(t) => {
                for part in wrap(t, 95) {
                    write(&mut pages, &mut y, regular, 10.0, MARGIN, &part);
                }
            }
            Line::SignatureZone(label) => {
                y -= 10.0;
                write(&mut pages, &mut y, bold, 11.0, MARGIN, label);
                let height = 90.0;
                if y - height < MARGIN {
                    pages.push(Content::new());
                    y = PAGE_H - MARGIN;
                }
                let content = pages.last_mut().expect("a page");
                content.rect(MARGIN, y - height, PAGE_W - 2.0 * MARGIN, height);
                content.stroke();
                y -= height + 12.0;
            }
        }
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font_regular = Ref::new(3);
    let font_bold = Ref::new(4);
    let mut next = 5;
    let mut page_ids = Vec::new();
    let mut bodies = Vec::new();
    for content in pages {
        let page = Ref::new(next);
        let body = Ref::new(next + 1);
        next += 2;
        page_ids.push(page);
        bodies.push((page, body, content.finish()));
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(page_ids.len() as i32);
    for (page_id, body_id, bytes) in &bodies {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*body_id);
        page.resources().fonts().pair(regular, font_regular).pair(bold, font_bold);
        page.finish();
        pdf.stream(*body_id, bytes);
    }
    pdf.type1_font(font_regular).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(font_bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_a_pdf_whose_text_can_be_read_back() {
        let bytes = render(&[
            Line::Title("Aanvraag aanwijzing hoofdtoegangsbeheerder".into()),
            Line::Field("Ticket".into(), "26A123ABCDEFG".into()),
            Line::Field("Naam".into(), "Lefèvre (Nathalie)".into()),
            Line::Text("word ".repeat(400)),
            Line::SignatureZone("Handtekening".into()),
        ]);
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(26A123ABCDEFG)"), "the ticket is in a text stream");
        assert!(text.contains("/Helvetica"));
        // pdf-writer writes a string with bytes above 0x7F in hex: è is E8 in WinAnsi.
        assert!(text.contains("<4C6566E8767265"), "Latin-1 in WinAnsi");
        assert!(text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count() >= 1);
    }

    #[test]
    fn long_values_wrap_at_spaces() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert!(wrap("", 5).is_empty());
    }
}
