namespace Pipelines.Studio;

/// <summary>
/// Studio's page (at <see cref="StudioServer.StudioPath"/>; links are relative to the base "/"): the pipelines and recent runs, and, when one is chosen, Studio's
/// <c>&lt;elsa-workflow-definition-editor&gt;</c> or <c>&lt;elsa-workflow-instance-viewer&gt;</c> pointed at this
/// server's API. The stylesheets and scripts are the ones Studio's own host page loads, minus web fonts, so
/// nothing is fetched from outside. The API key, when one is needed, is typed by the user and kept in the
/// tab's session storage, never written into the page. Every graph Studio draws is fitted to its canvas once,
/// when it first settles: Studio itself keeps the saved zoom and centres it, so a wide DAG opens cut off.
/// </summary>
public static class StudioPage
{
    public static string Html(bool studioAvailable, bool keyRequired) => Template
        .Replace("@STUDIO@", studioAvailable ? "true" : "false")
        .Replace("@KEY@", keyRequired ? "true" : "false");

    private const string Template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
        <title>Pipelines designer</title>
        <base href="/"/>
        <link href="_content/MudBlazor/MudBlazor.min.css" rel="stylesheet"/>
        <link href="_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.css" rel="stylesheet"/>
        <link href="_content/Radzen.Blazor/css/material-base.css" rel="stylesheet"/>
        <link href="_content/Elsa.Studio.Shell/css/shell.css" rel="stylesheet"/>
        <link href="Elsa.Studio.Host.CustomElements.styles.css" rel="stylesheet"/>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; display: flex; height: 100vh; }
          nav { width: 260px; padding: 12px; border-right: 1px solid #ddd; overflow: auto; }
          nav h2 { font-size: 14px; text-transform: uppercase; color: #666; }
          nav ul { list-style: none; padding: 0; }
          nav li { margin: 4px 0; }
          nav li small { display: block; color: #777; }
          main { flex: 1; overflow: auto; position: relative; }
          #status { padding: 12px; color: #a00; }
        </style>
        </head>
        <body>
        <nav>
          <a id="home-link" href="./">&larr; Status</a>
          <form id="key-form" hidden><label>API key <input id="api-key" type="password" autocomplete="off"/></label><button>Use</button></form>
          <h2>Pipelines</h2>
          <ul id="pipeline-list"></ul>
          <h2>Runs</h2>
          <ul id="run-list"></ul>
        </nav>
        <main id="designer"><div id="status"></div></main>
        <div id="blazor-error-ui" style="display:none">An unhandled error has occurred. <a href="" class="reload">Reload</a></div>
        <script>
        (function () {
          const studioAvailable = @STUDIO@;
          const keyRequired = @KEY@;
          const api = location.origin + "/elsa/api";
          const params = new URLSearchParams(location.search);
          const status = document.getElementById("status");
          const key = () => sessionStorage.getItem("pipelines-api-key") || "";
          const headers = () => key() ? { "Authorization": "ApiKey " + key(), "Content-Type": "application/json" } : { "Content-Type": "application/json" };

          if (keyRequired) {
            const form = document.getElementById("key-form");
            form.hidden = false;
            form.addEventListener("submit", e => { e.preventDefault(); sessionStorage.setItem("pipelines-api-key", document.getElementById("api-key").value); location.reload(); });
          }

          function item(list, href, text, note, data) {
            const li = document.createElement("li");
            for (const [k, v] of Object.entries(data)) li.dataset[k] = v;
            const a = document.createElement("a");
            a.href = href; a.textContent = text; li.appendChild(a);
            if (note) { const s = document.createElement("small"); s.textContent = note; li.appendChild(s); }
            list.appendChild(li);
          }

          async function load() {
            const definitions = await fetch(api + "/workflow-definitions?PageSize=1000", { headers: headers() });
            if (!definitions.ok) { status.textContent = "The API answered " + definitions.status + (definitions.status === 401 ? ": enter the API key." : "."); return; }
            for (const d of (await definitions.json()).items)
              item(document.getElementById("pipeline-list"), "studio?definition=" + encodeURIComponent(d.definitionId), d.name, d.description, { definitionId: d.definitionId });
            const runs = await fetch(api + "/workflow-instances", { method: "POST", headers: headers(), body: JSON.stringify({ page: 0, pageSize: 50 }) });
            if (runs.ok)
              for (const r of (await runs.json()).items)
                item(document.getElementById("run-list"), "studio?instance=" + encodeURIComponent(r.id), r.name + " " + r.id.substring(0, 8), r.subStatus + " " + r.createdAt, { instanceId: r.id, subStatus: r.subStatus });
          }

          function mount(tag, attribute, value) {
            if (!studioAvailable) { status.textContent = "Studio assets are not installed; the API still works."; return; }
            const element = document.createElement(tag);
            element.setAttribute(attribute, value);
            element.setAttribute("remote-endpoint", api);
            if (key()) element.setAttribute("api-key", key());
            document.getElementById("designer").appendChild(element);
            const scripts = [
              "_content/BlazorMonaco/jsInterop.js",
              "_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js",
              "_content/BlazorMonaco/lib/monaco-editor/min/vs/editor/editor.main.js",
              "_content/MudBlazor/MudBlazor.min.js",
              "_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.js",
              "_content/Radzen.Blazor/Radzen.Blazor.js",
              "_framework/blazor.webassembly.js",
            ];
            // In order, as Studio's own page loads them: each may rely on the ones before.
            (function next(i) {
              if (i === scripts.length) return;
              const s = document.createElement("script");
              s.src = scripts[i];
              s.onload = () => next(i + 1);
              s.onerror = () => { status.textContent = "Could not load " + scripts[i]; };
              document.body.appendChild(s);
            })(0);
          }

          // Studio's designer module keeps its X6 graphs by id; importing the same URL Studio imports yields the
          // same module instance. A graph is fitted once, after its nodes and their measured sizes have stopped
          // changing (Studio resizes nodes after the first render), so later zooming by the user is left alone.
          // The canvas is marked data-fitted so anything waiting on the page can tell the fit has happened.
          async function fitGraphsOnOpen() {
            const designer = await import("./_content/Elsa.Studio.Workflows.Designer/designer.entry.js");
            const lastShape = new WeakMap();
            const fitted = new WeakSet();
            setInterval(() => {
              for (const binding of Object.values(designer.graphBindings)) {
                const graph = binding && binding.graph;
                if (!graph || fitted.has(graph) || graph.getNodes().length === 0) continue;
                if (graph.container.getBoundingClientRect().height === 0) continue;
                const box = graph.getContentBBox();
                const shape = [graph.getNodes().length, box.x, box.y, box.width, box.height].join();
                if (lastShape.get(graph) !== shape) { lastShape.set(graph, shape); continue; }
                fitted.add(graph);
                graph.zoomToFit({ padding: 20, maxScale: 1 });
                graph.centerContent({ padding: 20 });
                graph.container.dataset.fitted = "true";
              }
            }, 250);
          }

          load();
          if (studioAvailable && (params.get("definition") || params.get("instance")))
            fitGraphsOnOpen().catch(e => console.warn("could not fit the graph to its canvas", e));
          if (params.get("definition")) mount("elsa-workflow-definition-editor", "definition-id", params.get("definition"));
          else if (params.get("instance")) mount("elsa-workflow-instance-viewer", "instance-id", params.get("instance"));
        })();
        </script>
        </body>
        </html>
        """;
}
