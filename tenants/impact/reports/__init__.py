"""Municipality reports: the figures, the PDF and XLSX files, the background job, the pages, the demo."""
