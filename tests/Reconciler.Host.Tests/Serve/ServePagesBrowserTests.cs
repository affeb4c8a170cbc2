using Microsoft.Playwright;
using Reconciler.Host.Tests.Support;
using Reconciler.Testing;

namespace Reconciler.Host.Tests.Serve;

/// <summary>
/// The web pages of a real serve process in a real browser (Debian's headless chromium driven by Playwright): sign in,
/// rerun the sample day from the form, follow it to completed, find a charged-but-not-delivered order and read its
/// timeline; a finance key sees no rerun form. Screenshots of each page go to TestResults/pages.
/// </summary>
public sealed class ServePagesBrowserTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private static readonly string Screenshots = Path.Combine(RepoPaths.Root, "TestResults", "pages");

    [Fact]
    public async Task Pages_LetAnOperatorRerunADayAndFollowAnUndeliveredOrder_InARealBrowser()
    {
        var day = SampleDay.November20;
        var expected = day.ExpectedMismatches.First(r => r["kind"] == "charged_not_delivered" && r["vendor"].Length > 0
            && !r["provider_txn_id"].Contains(',', StringComparison.Ordinal));
        await using var browser = await LaunchAsync();
        var page = await NewPageAsync(browser);

        await SignInAsync(page, "operator");
        await page.FillAsync("#rerun input[name=date]", day.Date);
        await page.FillAsync("#rerun input[name=asOf]", day.AsOf);
        await page.FillAsync("#rerun input[name=reason]", "browser test: 账单晚到");
        await page.ClickAsync("#rerun button[type=submit]");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/runs/\d+$"));
        var status = page.Locator("#run-status");
        await Assertions.Expect(status).ToHaveTextAsync("completed", new() { Timeout = 90_000 });
        await ShotAsync(page, "run");
        (await page.ContentAsync()).Should().Contain("browser test: 账单晚到").And.Contain("summary.json");
        await NoHorizontalScrollAsync(page);

        await page.ClickAsync("header.top a[href='/']");
        await Assertions.Expect(page.Locator("#runs tbody tr").First).ToContainTextAsync("completed");
        (await page.Locator("#runs tbody tr").First.InnerTextAsync()).Should().Contain("dashboard").And.Contain("test-operator");
        await ShotAsync(page, "runs");

        await page.ClickAsync("header.top a[href='/findings']");
        await page.FillAsync("form.filters input[name=orderNo]", expected["order_no"]);
        await page.ClickAsync("form.filters button[type=submit]");
        var row = page.Locator("#findings tbody tr", new() { HasText = "charged_not_delivered" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        var amountCell = row.Locator("td.num").Last;
        (await amountCell.InnerTextAsync()).Should().Be(decimal.Parse(expected["compensation_amount"], System.Globalization.CultureInfo.InvariantCulture)
            .ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture) + " CNY");
        (await amountCell.EvaluateAsync<string>("e => getComputedStyle(e).textAlign")).Should().Be("right");
        await ShotAsync(page, "findings");
        var export = await page.APIRequest.GetAsync(await page.GetByText("Export these findings as CSV").GetAttributeAsync("href") is { } href
            ? fixture.Serve.BaseAddress + href.TrimStart('/') : throw new InvalidOperationException("no export link"));
        var csv = (await export.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        csv[0].Should().StartWith("finding_id,order_no,kind");
        csv.Skip(1).Should().OnlyContain(line => line.Contains(expected["order_no"], StringComparison.Ordinal)).And.HaveCount(1);

        await row.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Order " + expected["order_no"]);
        var settlement = page.Locator("#timeline tr.node-settlement");
        await Assertions.Expect(settlement).ToHaveCountAsync(1);
        (await settlement.InnerTextAsync()).Should().Contain("wechat").And.Contain(expected["provider_txn_id"]);
        var deliveries = await page.Locator("#timeline tr.node-delivery").AllInnerTextsAsync();
        deliveries.Should().NotBeEmpty().And.OnlyContain(d => d.Contains(expected["vendor"] + " failed", StringComparison.Ordinal));
        await ShotAsync(page, "order");

        foreach (var (path, name) in new[] { ("/incidents?date=" + day.Date, "incidents"), ("/compensations", "compensations") })
        {
            var response = await page.GotoAsync(fixture.Serve.BaseAddress + path.TrimStart('/'));
            response!.Status.Should().Be(200, path);
            await NoHorizontalScrollAsync(page);
            await ShotAsync(page, name);
        }
    }

    [Fact]
    public async Task RunsPage_ShowsNoRerunForm_ToAFinanceKey()
    {
        await using var browser = await LaunchAsync();
        var page = await NewPageAsync(browser);

        await SignInAsync(page, "finance");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Runs");
        await Assertions.Expect(page.Locator("#rerun")).ToHaveCountAsync(0);
        await ShotAsync(page, "runs-finance");
    }

    [Fact]
    public async Task SignIn_RefusesAnUnknownKey_AndPagesRedirectToIt()
    {
        await using var browser = await LaunchAsync();
        var page = await NewPageAsync(browser);

        await page.GotoAsync(fixture.Serve.BaseAddress + "findings");
        page.Url.Should().Contain("/signin");
        await page.FillAsync("input[name=key]", "rk_not_a_key");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("not known");
        var cookies = await page.Context.CookiesAsync();
        cookies.Should().NotContain(c => c.Name == "reconciler.session");
    }

    private static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            return new Browser(playwright, await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Args = ChromiumArgs, Headless = true }));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private static async Task<IPage> NewPageAsync(Browser browser)
    {
        var context = await browser.Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>Chromium and Playwright's driver process, both ended when the test ends.</summary>
    private sealed class Browser(IPlaywright playwright, IBrowser chromium) : IAsyncDisposable
    {
        public IBrowser Chromium => chromium;

        public async ValueTask DisposeAsync()
        {
            await chromium.CloseAsync();
            await chromium.DisposeAsync();
            playwright.Dispose();
        }
    }

    private async Task SignInAsync(IPage page, string role)
    {
        await page.GotoAsync(fixture.Serve.BaseAddress.ToString());
        page.Url.Should().Contain("/signin", "a page without a session sends the browser to the sign-in form");
        await page.FillAsync("input[name=key]", ServeProcess.Keys[role]);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Runs");
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "reconciler.session");
        session.HttpOnly.Should().BeTrue();
        session.SameSite.Should().Be(SameSiteAttribute.Strict);
    }

    private static async Task NoHorizontalScrollAsync(IPage page) =>
        (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"))
            .Should().BeTrue("{0} must fit 1280 px without horizontal scrolling", page.Url);

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }
}
