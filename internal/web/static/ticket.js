// The ticket page's reply draft: 填入答复 copies the draft into the reply
// field of the resolve form (the handler then edits it). Without
// JavaScript the draft stays readable and can be copied by hand.
(function () {
  var button = document.getElementById('use-draft');
  var draft = document.getElementById('reply-draft');
  var reply = document.querySelector('textarea[name=reply]');
  if (!button || !draft || !reply) { return; }
  button.hidden = false;
  button.addEventListener('click', function () {
    reply.value = draft.value;
    reply.focus();
  });
})();
