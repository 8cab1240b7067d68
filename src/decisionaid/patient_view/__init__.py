"""The Patient view's wording (Qt-free): what the patient reads on the screen turned towards them."""
