// The printable movement document: the print button opens the browser's print dialog.
document.getElementById("print-button")?.addEventListener("click", () => window.print());
