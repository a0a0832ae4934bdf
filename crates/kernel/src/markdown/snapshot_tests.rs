//! Snapshots of rendered HTML for tricky inputs: these files are the specification of the
//! output. Each snapshot shows the Markdown, then the HTML for a post and for a comment.

use super::{Profile, render};

/// The Markdown and what both profiles make of it, as one reviewable text.
fn both_profiles(markdown: &str) -> String {
    let post = render(markdown, Profile::Post).html;
    let comment = render(markdown, Profile::Comment).html;
    format!("## markdown\n{markdown}\n## post\n{post}\n## comment\n{comment}")
}

macro_rules! snapshot {
    ($name:ident, $markdown:expr) => {
        #[test]
        fn $name() {
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!(stringify!($name), both_profiles($markdown));
            });
        }
    };
}

snapshot!(
    nested_lists,
    "\
1. First
2. Second
   - nested *bullet*
   - another
     1. deep
     2. deeper

        with a second paragraph
   - back
3. Third

A paragraph ends the list, so the next one keeps its start number:

7. seven
8. eight

- loose item

- loose item with a quote:

  > quoted
  > text

- item with code:

  ```
  code in a list
  ```

* [link in list](https://example.org)
+ different marker starts a new list
"
);

snapshot!(
    html_injection,
    "\
Inline <b>bold</b>, <span style=\"color:red\">red</span> and <a href=\"javascript:alert(1)\">link</a>.

<div onclick=\"alert(1)\">
  <script>alert('block')</script>
</div>

<img src=x onerror=alert(1)>

<iframe src=\"https://evil.example\"></iframe>

<style>body { display: none }</style>

<!-- an author's note: dropped -->

Text with a comment <!-- inline note --> inside, and an unclosed <em>tag.

<svg><script>alert(1)</script></svg>

[md link](javascript:alert(1)) and ![md image](javascript:alert(1)) and <javascript:alert(1)>
"
);

snapshot!(
    code_fences,
    "\
```rust
let x = 1;
```

~~~python
print(\"tilde\")
~~~

```
no info string <b>escaped</b>
```

~~~
tildes without info
~~~

```rust,ignore
let ignored = true;
```

```{.python .numberLines}
x = 1
```

```js title=\"app.js\"
const a = 1;
```

```no-such-language
kept plain & escaped
```

````markdown
```
a fence inside a longer fence
```
````

    indented code
    keeps <tags> escaped

Inline `code <with> tags` too.
"
);

snapshot!(
    tables,
    "\
| Left | Center | Right | None |
|:-----|:------:|------:|------|
| *a*  | `b`    | [c](/c) | d |
| pipe \\| escaped | <b>raw</b> | 3 | |

| Single |
|--------|
| row    |
"
);

snapshot!(
    footnotes,
    "\
A claim[^source] and another[^Second] and the first again[^source].

A reference to nothing[^missing].

[^source]: The source, with a [link](https://example.org).

[^second]: A longer note.

    With a second paragraph and `code`.

[^unused]: Defined but never referenced.
"
);

snapshot!(
    task_lists,
    "\
- [x] done
- [ ] not done
- [X] capital X
- plain item
  - [ ] nested task

1. [x] ordered task
"
);

snapshot!(
    unicode,
    "\
# 你好，世界

## Ünïcode Straße

## مرحبا بالعالم

Emoji 🎉👩‍👩‍👧 and CJK 日本語のテキスト and Hangul 한국어.

Right-to-left: שלום עולם, and an override \u{202E}txet desrever\u{202C}.

Zero\u{200B}width joiner\u{200D}s and a soft\u{00AD}hyphen.

“Smart” quotes -- dashes --- and ellipsis...
"
);

snapshot!(
    headings_with_attributes,
    "\
# Title {#custom-id}

## Title {.class-dropped}

## Title {#custom-id}

### Attributes {#a data-x=\"1\" onclick=alert(1)}

#### Bad id {#\"><b>}

Setext heading
==============

###### Six

## 🎉
"
);

snapshot!(
    links_and_images,
    "\
[external](https://example.org \"Title\"), [insecure](http://example.org), [scheme-relative](//example.org),
[relative](/posts/hello), [fragment](#intro), [mail](mailto:me@example.org),
autolinks <https://example.org/a?b=c&d=e> and <me@example.org>, [reference][ref].

![An image](/img/cat.png \"A cat\") and [![linked image](/logo.png)](https://example.org).

![remote image](https://cdn.example.org/x.jpg)

[ref]: https://example.org/ref
"
);

#[test]
fn document_parts() {
    let r = render(
        "\
# Quire’s *Markdown*

The first paragraph, with a footnote[^1].

<!-- more -->

## Details {#details}

```rust
fn main() {}
```

[^1]: The note.
",
        Profile::Post,
    );
    insta::with_settings!({ omit_expression => true }, {
        insta::assert_debug_snapshot!("document_parts", r);
    });
}
