from workflows.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("11010119900307123X") == "110101********123X"


def test_phone_keeps_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_name_keeps_surname():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明华") == "欧***"
    assert mask_name("") == ""
