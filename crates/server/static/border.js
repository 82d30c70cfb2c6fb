// The border check: scan the QR code of a movement document with the browser's own
// BarcodeDetector (no third-party service, nothing leaves the browser but the code itself),
// or type it. Without BarcodeDetector or a camera, the scan button stays hidden.
const button = document.getElementById("scan-button");
const video = document.getElementById("scan-video");
const input = document.getElementById("border-code");
const form = document.getElementById("border-form");
const failed = document.getElementById("scan-failed");

if (button && "BarcodeDetector" in window && navigator.mediaDevices?.getUserMedia) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    let stream;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (!formats.includes("qr_code")) throw new Error("no QR support");
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const stop = () => stream.getTracks().forEach((t) => t.stop());
      const look = async () => {
        try {
          const codes = await detector.detect(video);
          const hit = codes.find((c) => c.rawValue && c.rawValue.startsWith("wt1:"));
          if (hit) {
            stop();
            input.value = hit.rawValue;
            form.submit();
            return;
          }
        } catch (_) {
          // A frame that cannot be read: try the next one.
        }
        requestAnimationFrame(look);
      };
      look();
    } catch (_) {
      if (stream) stream.getTracks().forEach((t) => t.stop());
      video.hidden = true;
      failed.hidden = false;
    }
  });
}

// The answer is read at arm's length: on a phone, bring it into view.
if (window.matchMedia("(max-width: 48rem)").matches) {
  document.getElementById("border-answer")?.scrollIntoView({ block: "start" });
}
