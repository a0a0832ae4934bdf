// A browser client on another origin: signs up, writes an article in Markdown, comments on
// it and marks it favorite through Quire's JSON API, writing one marker per step into the
// page (the test reads them from Chromium's dumped DOM). The API's address is the `api`
// query parameter of this page.
(function () {
  "use strict";
  var api = new URLSearchParams(location.search).get("api");
  var steps = document.getElementById("steps");
  var result = document.getElementById("result");
  function mark(text) {
    var item = document.createElement("li");
    item.textContent = text;
    steps.appendChild(item);
  }
  function call(method, path, token, body) {
    var headers = { "Content-Type": "application/json" };
    if (token) {
      headers.Authorization = "Token " + token;
    }
    return fetch(api + path, {
      method: method,
      headers: headers,
      body: body ? JSON.stringify(body) : undefined
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) {
          throw new Error(method + " " + path + " " + response.status + " " + JSON.stringify(json));
        }
        return json;
      });
    });
  }
  var name = "browser" + Date.now().toString(36);
  var token = null;
  var slug = null;
  call("POST", "/users", null, {
    user: { username: name, email: name + "@example.org", password: "correct horse battery" }
  }).then(function (json) {
    token = json.user.token;
    mark("signed-up:" + json.user.username);
    return call("POST", "/articles", token, {
      article: {
        title: "Written in a browser",
        description: "Through fetch() from another origin",
        body: "Hello from **Chromium**.\n\n- one\n- two",
        tagList: ["browser"]
      }
    });
  }).then(function (json) {
    slug = json.article.slug;
    mark("article:" + slug);
    return call("POST", "/articles/" + slug + "/comments", token, {
      comment: { body: "A comment from the browser" }
    });
  }).then(function (json) {
    mark("comment:" + json.comment.id);
    return call("POST", "/articles/" + slug + "/favorite", token);
  }).then(function (json) {
    mark("favorited:" + json.article.favoritesCount);
    result.textContent = "ALL-STEPS-OK";
  }).catch(function (error) {
    result.textContent = "FAILED: " + error.message;
  });
})();
