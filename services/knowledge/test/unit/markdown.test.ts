import { plainText, renderArticleBody } from "../../src/domain/markdown";

describe("article bodies: Markdown to sanitised HTML", () => {
  test("Markdown renders to HTML", () => {
    const html = renderArticleBody("# Reset a password\n\nOpen **Settings**, then `Security`.\n\n- one\n- two");
    expect(html).toContain("<h1>Reset a password</h1>");
    expect(html).toContain("<strong>Settings</strong>");
    expect(html).toContain("<code>Security</code>");
    expect(html).toContain("<li>one</li>");
  });

  test("raw HTML in the Markdown is shown as text, never as markup", () => {
    const html = renderArticleBody('Hello <script>alert(1)</script> <img src=x onerror="alert(2)">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain("&lt;script&gt;");
  });

  test("script and data links are dropped, safe links kept with rel", () => {
    const html = renderArticleBody("[a](javascript:alert(1)) [b](data:text/html;base64,PHNjcmlwdD4=) [c](https://example.com/help) [d](ftp://example.com/file)");
    expect(html).not.toMatch(/href="(javascript|data|ftp):/i);
    // The renderer links ftp: and the sanitiser drops the scheme it does not allow.
    expect(html).toContain("<a rel=\"noopener noreferrer nofollow\">d</a>");
    expect(html).toContain('href="https://example.com/help"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  test("images only over http(s), without event handlers", () => {
    const html = renderArticleBody('![logo](https://example.com/logo.png "Logo") ![x](javascript:alert(1))');
    expect(html).toContain('<img src="https://example.com/logo.png" alt="logo" title="Logo" />');
    expect(html).not.toMatch(/src="javascript:/i);
    expect(html.match(/<img/g)).toHaveLength(1);
  });

  test("plain text for the search index has no markup", () => {
    expect(plainText("# Title\n\nSome *emphasis* and [a link](https://example.com).")).toBe("Title Some emphasis and a link.");
  });
});
