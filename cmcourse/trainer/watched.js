// The live view's heartbeat (cmcourse/trainer/live.py): while this page is open the browser
// says so every few seconds; when the tab is closed nothing more comes, and the kernel stops
// refreshing, so the server can end it.
function render({ model }) {
  const every = Math.max(1, model.get("every")) * 1000;
  const beat = () => model.send({ here: Date.now() });
  beat();
  const timer = setInterval(beat, every);
  return () => clearInterval(timer);
}
export default { render };
